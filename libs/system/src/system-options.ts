import type { AppConfig } from '@atrium/config';

/**
 * Settings this library needs that libs/config does not read yet. Until the lead adds them to
 * AppConfig (the report lists the exact additions), Open WebUI's defaults apply. Once they exist,
 * this reads them as they are, with no change here.
 */
interface PendingServerConfig {
  /** ENABLE_VERSION_UPDATE_CHECK: default true, false when OFFLINE_MODE is on. */
  enableVersionUpdateCheck?: boolean;
  /** VERSION_UPDATE_CHECK_URL: a GitHub-style "latest release" JSON ({tag_name}); unset = no lookup. */
  versionUpdateCheckUrl?: string;
  /** DEPLOYMENT_ID: stable per deployment; derived from the version and build hash when unset. */
  deploymentId?: string;
  /** WEBUI_BUILD_HASH (Open WebUI's name), default "dev-build". */
  buildHash?: string;
  /** DEFAULT_LOCALE, default "". */
  defaultLocale?: string;
}

export interface SystemOptions {
  webuiName: string;
  env: string;
  staticDir: string;
  frontendBuildDir?: string;
  enableVersionUpdateCheck: boolean;
  versionUpdateCheckUrl?: string;
  deploymentId?: string;
  buildHash: string;
  defaultLocale: string;
}

export function systemOptions(config: AppConfig): SystemOptions {
  const server = config.server as AppConfig['server'] & PendingServerConfig;
  return {
    webuiName: server.webuiName,
    env: server.env,
    staticDir: server.staticDir,
    frontendBuildDir: server.frontendBuildDir,
    enableVersionUpdateCheck: server.enableVersionUpdateCheck ?? true,
    versionUpdateCheckUrl: server.versionUpdateCheckUrl,
    deploymentId: server.deploymentId,
    buildHash: server.buildHash ?? 'dev-build',
    defaultLocale: server.defaultLocale ?? '',
  };
}
