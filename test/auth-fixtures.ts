/**
 * Shared helpers for the auth end-to-end suites (test/auth-*.e2e-spec.ts).
 *
 * Every suite runs once per target. Targets follow the same variables as the rest of the
 * e2e suites: SQLite always; PostgreSQL / MySQL when TEST_POSTGRES_URL / TEST_MYSQL_URL are set;
 * and each of those again with Redis when TEST_REDIS_URL is set (Redis changes where
 * revocations and signin counters live). A target is only an options object, so a suite can
 * also be pointed at any DATABASE_URL / REDIS_URL by hand: startAuthApp({ databaseUrl, redisUrl }).
 */
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent.js';
import { bootApp, type BootedApp } from './harness/boot-app.js';
import {
  createTestDatabase,
  engineMatrix,
  flushPrefix,
  redisPrefix,
  REDIS_VARIABLE,
  warnSkipped,
  type Engine,
  type TestDatabase,
} from './support/test-databases.js';

export interface AuthTarget {
  /** e.g. "sqlite", "postgres+redis". */
  name: string;
  engine: Engine;
  /** Redis to use (REDIS_URL), or none. */
  redisUrl?: string;
}

export interface AuthTargetEntry {
  target: AuthTarget;
  enabled: boolean;
}

/** Every target with whether it can run here; disabled ones are announced loudly. */
export function authTargets(suite: string): AuthTargetEntry[] {
  const redisUrl = process.env[REDIS_VARIABLE]?.trim() || undefined;
  const entries: AuthTargetEntry[] = [];
  for (const { engine, enabled, variable } of engineMatrix()) {
    if (!enabled) warnSkipped(`${suite} on ${engine}`, variable);
    entries.push({ target: { name: engine, engine }, enabled });
    if (redisUrl) entries.push({ target: { name: `${engine}+redis`, engine, redisUrl }, enabled });
  }
  if (!redisUrl) warnSkipped(`${suite} with Redis`, REDIS_VARIABLE);
  return entries;
}

export interface StartOptions {
  /** Use this database instead of creating a fresh one (e.g. to share it between two apps). */
  databaseUrl?: string;
  redisUrl?: string;
  /** REDIS_KEY_PREFIX; unique per app unless given (pass the same one to share). */
  redisKeyPrefix?: string;
  env?: Record<string, string>;
}

export interface AuthApp {
  booted: BootedApp;
  http: TestAgent;
  databaseUrl: string;
  redisKeyPrefix?: string;
  close(): Promise<void>;
}

/**
 * Boots the whole app for `target` on a fresh database (unless `databaseUrl` is given),
 * with Redis and a key prefix of its own when the target has Redis.
 */
export async function startAuthApp(
  target: AuthTarget | undefined,
  options: StartOptions = {},
): Promise<AuthApp> {
  let database: TestDatabase | undefined;
  let databaseUrl = options.databaseUrl;
  if (!databaseUrl) {
    database = await createTestDatabase(target?.engine ?? 'sqlite');
    databaseUrl = database.url;
  }
  const redisUrl = options.redisUrl ?? target?.redisUrl;
  const redisKeyPrefix = redisUrl ? (options.redisKeyPrefix ?? redisPrefix()) : undefined;
  const env: Record<string, string> = { DATABASE_URL: databaseUrl, ...options.env };
  if (redisUrl) {
    env.REDIS_URL = redisUrl;
    env.REDIS_KEY_PREFIX = redisKeyPrefix!;
  }
  let booted: BootedApp;
  try {
    booted = await bootApp({ env });
  } catch (error) {
    await database?.drop();
    throw error;
  }
  return {
    booted,
    http: booted.http,
    databaseUrl,
    redisKeyPrefix,
    async close() {
      await booted.close();
      if (redisUrl && redisKeyPrefix && !options.redisKeyPrefix)
        await flushPrefix(redisUrl, redisKeyPrefix);
      await database?.drop();
    },
  };
}

/** A fresh supertest agent on the same app (no cookie jar shared with `http`). */
export function agentOf(app: AuthApp): TestAgent {
  return request(app.booted.app.getHttpServer());
}

export interface Account {
  id: string;
  email: string;
  password: string;
  role: string;
  token: string;
}

export const STRONG_PASSWORD = 'Correct-Horse-7';

export async function signup(
  http: TestAgent,
  email: string,
  password = STRONG_PASSWORD,
  name = email.trim().split('@')[0],
): Promise<Account> {
  const response = await http.post('/api/v1/auths/signup').send({ name, email, password });
  if (response.status !== 200) {
    throw new Error(
      `signup of ${email} answered ${response.status}: ${JSON.stringify(response.body)}`,
    );
  }
  return {
    id: response.body.id,
    email,
    password,
    role: response.body.role,
    token: response.body.token,
  };
}

export async function signin(
  http: TestAgent,
  email: string,
  password = STRONG_PASSWORD,
): Promise<Account> {
  const response = await http.post('/api/v1/auths/signin').send({ email, password });
  if (response.status !== 200) {
    throw new Error(
      `signin of ${email} answered ${response.status}: ${JSON.stringify(response.body)}`,
    );
  }
  return {
    id: response.body.id,
    email,
    password,
    role: response.body.role,
    token: response.body.token,
  };
}

/** An admin-created account ("pending" unless told), signed in. */
export async function addUser(
  http: TestAgent,
  admin: Account,
  email: string,
  role: 'pending' | 'user' | 'admin' = 'pending',
  password = STRONG_PASSWORD,
): Promise<Account> {
  const response = await http
    .post('/api/v1/auths/add')
    .set('Authorization', `Bearer ${admin.token}`)
    .send({ name: email.split('@')[0], email, password, role });
  if (response.status !== 200) {
    throw new Error(
      `add of ${email} answered ${response.status}: ${JSON.stringify(response.body)}`,
    );
  }
  return signin(http, email, password);
}

export function bearer(account: Account | string): [string, string] {
  return ['Authorization', `Bearer ${typeof account === 'string' ? account : account.token}`];
}
