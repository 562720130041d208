import type { AppConfig } from '@atrium/config';

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
  const server = config.server;
  return {
    webuiName: server.webuiName,
    env: server.env,
    staticDir: server.staticDir,
    frontendBuildDir: server.frontendBuildDir,
    enableVersionUpdateCheck: server.enableVersionUpdateCheck,
    versionUpdateCheckUrl: server.versionUpdateCheckUrl,
    deploymentId: server.deploymentId,
    buildHash: server.buildHash,
    defaultLocale: server.defaultLocale,
  };
}
