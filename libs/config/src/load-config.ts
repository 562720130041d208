import { resolve } from 'node:path';
import type { AppConfig, CookieSameSite } from './app-config.js';
import { resolveDatabaseUrl } from './database-url.js';
import { EnvReader, type Env } from './env-reader.js';
import { readPersistedSeeds } from './persisted-settings.js';
import { resolveSecretKey } from './secret-key.js';
import { readChatsConfig } from './chats-config.js';
import { readModelsConfig } from './models-config.js';
import { readObservabilityConfig } from './observability-config.js';
import { readProvidersConfig } from './providers-config.js';
import { readLdapConfig } from './ldap-config.js';
import { readOAuthConfig } from './oauth-config.js';
import { readTrustedHeadersConfig } from './trusted-headers-config.js';
import { readRealtimeConfig } from './realtime-config.js';
import { readTasksConfig } from './tasks-config.js';

const SAME_SITE: readonly CookieSameSite[] = ['lax', 'strict', 'none'];
const DEFAULT_PASSWORD_PATTERN = '^(?=.*[a-z])(?=.*[A-Z])(?=.*\\d)(?=.*[^\\w\\s]).{8,}$';

export class ConfigValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigValidationError';
  }
}

/**
 * Reads and validates the environment. Every problem is collected and thrown together
 * as a ConfigValidationError so an operator fixes them in one pass.
 */
export function loadConfig(env: Env = process.env): AppConfig {
  const reader = new EnvReader(env);
  const dataDir = resolve(reader.string('DATA_DIR', './data'));
  const webuiAuth = reader.bool('WEBUI_AUTH', true);
  const database = resolveDatabaseUrl(reader, dataDir);
  const sessionSameSite = reader.oneOf('WEBUI_SESSION_COOKIE_SAME_SITE', SAME_SITE, 'lax');
  const sessionSecure = reader.bool('WEBUI_SESSION_COOKIE_SECURE', false);
  const passwordPattern = reader.string(
    'PASSWORD_VALIDATION_REGEX_PATTERN',
    DEFAULT_PASSWORD_PATTERN,
  );
  reader.check(
    'PASSWORD_VALIDATION_REGEX_PATTERN',
    isValidRegex(passwordPattern),
    'not a valid regular expression',
  );
  const bodyLimit = reader.string('REQUEST_BODY_LIMIT', '20mb');
  reader.check(
    'REQUEST_BODY_LIMIT',
    /^\d+(b|kb|mb|gb)?$/i.test(bodyLimit),
    `expected a size such as 20mb, got "${bodyLimit}"`,
  );
  const seeds = readPersistedSeeds(reader, webuiAuth);
  const offlineMode = reader.bool('OFFLINE_MODE', false);

  const config: AppConfig = {
    server: {
      host: reader.string('HOST', '0.0.0.0'),
      port: reader.int('PORT', 8080, { min: 0, max: 65535 }),
      env: reader.string('ENV', 'dev'),
      webuiName: reader.string('WEBUI_NAME', 'Open WebUI'),
      corsAllowOrigins: reader.list('CORS_ALLOW_ORIGIN', ';', ['*']),
      frontendBuildDir: optionalPath(reader.optionalString('FRONTEND_BUILD_DIR')),
      staticDir: resolve(reader.string('STATIC_DIR', './apps/api/static')),
      requestBodyLimit: bodyLimit,
      offlineMode,
      enableVersionUpdateCheck: reader.bool('ENABLE_VERSION_UPDATE_CHECK', true) && !offlineMode,
      versionUpdateCheckUrl: reader.optionalString('VERSION_UPDATE_CHECK_URL'),
      deploymentId: reader.optionalString('DEPLOYMENT_ID'),
      buildHash: reader.string('WEBUI_BUILD_HASH', 'dev-build'),
      defaultLocale: reader.string('DEFAULT_LOCALE', ''),
      workers: reader.int('UVICORN_WORKERS', 1, { min: 1, max: 256 }),
    },
    dataDir,
    secretKey: '',
    database: {
      engine: database.engine,
      url: database.url,
      sqlitePath: database.sqlitePath,
      sqliteWal: reader.bool('DATABASE_ENABLE_SQLITE_WAL', true),
      schema: reader.optionalString('DATABASE_SCHEMA'),
      poolSize: reader.optionalInt('DATABASE_POOL_SIZE', { min: 1, max: 1000 }),
      maxOverflow: reader.int('DATABASE_POOL_MAX_OVERFLOW', 0, { min: 0, max: 1000 }),
      timeoutSeconds: reader.int('DATABASE_POOL_TIMEOUT', 30, { min: 1, max: 3600 }),
      recycleSeconds: reader.int('DATABASE_POOL_RECYCLE', 3600, { min: -1 }),
      runMigrations: reader.bool('ENABLE_DB_MIGRATIONS', true),
    },
    auth: {
      webuiAuth,
      enablePasswordAuth: reader.bool('ENABLE_PASSWORD_AUTH', true),
      enableInitialAdminSignup: reader.bool('ENABLE_INITIAL_ADMIN_SIGNUP', false),
      enableSignupPasswordConfirmation: reader.bool('ENABLE_SIGNUP_PASSWORD_CONFIRMATION', false),
      passwordValidation: {
        enabled: reader.bool('ENABLE_PASSWORD_VALIDATION', false),
        pattern: passwordPattern,
        hint: reader.string('PASSWORD_VALIDATION_HINT', ''),
      },
      admin: {
        email: reader.optionalString('WEBUI_ADMIN_EMAIL')?.toLowerCase(),
        password: reader.optionalString('WEBUI_ADMIN_PASSWORD'),
        name: reader.string('WEBUI_ADMIN_NAME', 'Admin'),
      },
      cookie: {
        sameSite: reader.oneOf('WEBUI_AUTH_COOKIE_SAME_SITE', SAME_SITE, sessionSameSite),
        secure: reader.bool('WEBUI_AUTH_COOKIE_SECURE', sessionSecure),
      },
      customApiKeyHeader: reader.string('CUSTOM_API_KEY_HEADER', 'x-api-key').toLowerCase(),
      signoutRedirectUrl: reader.optionalString('WEBUI_AUTH_SIGNOUT_REDIRECT_URL'),
    },
    redis: {
      url: reader.optionalString('REDIS_URL'),
      keyPrefix: reader.string('REDIS_KEY_PREFIX', 'open-webui'),
    },
    providers: readProvidersConfig(reader),
    chats: readChatsConfig(reader),
    models: readModelsConfig(reader),
    observability: readObservabilityConfig(reader),
    ldap: readLdapConfig(reader),
    oauth: readOAuthConfig(reader),
    trustedHeaders: readTrustedHeadersConfig(reader),
    realtime: readRealtimeConfig(reader),
    tasks: readTasksConfig(reader),
    settingsPollSeconds: reader.int('CONFIG_POLL_INTERVAL', 10, { min: 1, max: 3600 }),
    seeds,
  };

  const adminEmail = config.auth.admin.email;
  reader.check(
    'WEBUI_ADMIN_PASSWORD',
    adminEmail === undefined || config.auth.admin.password !== undefined,
    'required when WEBUI_ADMIN_EMAIL is set',
  );
  const redisUrl = config.redis.url;
  reader.check(
    'REDIS_URL',
    redisUrl === undefined || /^rediss?:\/\//.test(redisUrl),
    'expected redis:// or rediss://',
  );
  // Workers share sessions, tasks, revocations and socket.io rooms only through Redis.
  reader.check(
    'UVICORN_WORKERS',
    config.server.workers === 1 || (redisUrl !== undefined && config.realtime.manager === 'redis'),
    'more than one worker needs REDIS_URL and WEBSOCKET_MANAGER=redis',
  );
  reader.check(
    'WEBUI_AUTH_COOKIE_SECURE',
    config.auth.cookie.sameSite !== 'none' || config.auth.cookie.secure,
    'SameSite=none cookies must be Secure (set WEBUI_AUTH_COOKIE_SECURE=true)',
  );

  if (reader.problems.length > 0) throw new ConfigValidationError(reader.problems);
  config.secretKey = resolveSecretKey(
    reader.firstOf('WEBUI_SECRET_KEY', 'WEBUI_JWT_SECRET_KEY'),
    dataDir,
  );
  return config;
}

function optionalPath(value: string | undefined): string | undefined {
  return value === undefined ? undefined : resolve(value);
}

function isValidRegex(pattern: string): boolean {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
}
