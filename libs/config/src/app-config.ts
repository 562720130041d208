import type { DatabaseEngine } from './database-url.js';
import type { ChatsConfig } from './chats-config.js';
import type { ModelsConfig } from './models-config.js';
import type { ObservabilityConfig } from './observability-config.js';
import type { PersistedSettings } from './persisted-settings.js';
import type { ProvidersConfig } from './providers-config.js';
import type { LdapConfig } from './ldap-config.js';
import type { OAuthConfig } from './oauth-config.js';
import type { TrustedHeadersConfig } from './trusted-headers-config.js';
import type { RealtimeConfig } from './realtime-config.js';
import type { TasksConfig } from './tasks-config.js';

export type CookieSameSite = 'lax' | 'strict' | 'none';

/** The whole typed configuration, read once from the environment at start. */
export interface AppConfig {
  server: {
    host: string;
    port: number;
    /** ENV: "dev" serves /docs (Open WebUI's default); "prod" hides it. */
    env: string;
    webuiName: string;
    corsAllowOrigins: string[];
    frontendBuildDir?: string;
    staticDir: string;
    requestBodyLimit: string;
    offlineMode: boolean;
    enableVersionUpdateCheck: boolean;
    /** A GitHub-style "latest release" JSON ({tag_name}); unset means no lookup. */
    versionUpdateCheckUrl?: string;
    deploymentId?: string;
    buildHash: string;
    defaultLocale: string;
    /** UVICORN_WORKERS: 1 is one process; more makes a node:cluster primary fork that many. */
    workers: number;
  };
  dataDir: string;
  secretKey: string;
  database: {
    engine: DatabaseEngine;
    url: string;
    sqlitePath?: string;
    sqliteWal: boolean;
    schema?: string;
    poolSize?: number;
    maxOverflow: number;
    timeoutSeconds: number;
    recycleSeconds: number;
    runMigrations: boolean;
  };
  auth: {
    webuiAuth: boolean;
    enablePasswordAuth: boolean;
    enableInitialAdminSignup: boolean;
    enableSignupPasswordConfirmation: boolean;
    passwordValidation: { enabled: boolean; pattern: string; hint: string };
    admin: { email?: string; password?: string; name: string };
    cookie: { sameSite: CookieSameSite; secure: boolean };
    customApiKeyHeader: string;
    signoutRedirectUrl?: string;
  };
  redis: {
    url?: string;
    keyPrefix: string;
  };
  /** Seconds between re-reads of persisted settings when Redis is not there to announce changes. */
  settingsPollSeconds: number;
  providers: ProvidersConfig;
  chats: ChatsConfig;
  models: ModelsConfig;
  observability: ObservabilityConfig;
  ldap: LdapConfig;
  oauth: OAuthConfig;
  trustedHeaders: TrustedHeadersConfig;
  realtime: RealtimeConfig;
  tasks: TasksConfig;
  /** Env seeds of the run-time settings; the database copy wins after first boot. */
  seeds: PersistedSettings;
}

export const APP_CONFIG = Symbol('APP_CONFIG');
