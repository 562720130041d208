import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigValidationError, loadConfig } from './load-config.js';
import { SECRET_KEY_FILE } from './secret-key.js';

describe('loadConfig', () => {
  const dirs: string[] = [];
  const tempDir = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'atrium-config-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('defaults to SQLite at DATA_DIR/webui.db on port 8080', () => {
    const dataDir = tempDir();
    const config = loadConfig({ DATA_DIR: dataDir, WEBUI_SECRET_KEY: 's' });
    expect(config.server.port).toBe(8080);
    expect(config.database.engine).toBe('sqlite');
    expect(config.database.sqlitePath).toBe(join(dataDir, 'webui.db'));
    expect(config.seeds['auth.jwt_expiry']).toBe('4w');
    expect(config.seeds['ui.default_user_role']).toBe('pending');
    expect(config.redis.keyPrefix).toBe('open-webui');
  });

  it('reports every invalid variable at once, by name', () => {
    let caught: unknown;
    try {
      loadConfig({
        DATA_DIR: tempDir(),
        PORT: 'eighty',
        ENABLE_SIGNUP: 'maybe',
        DEFAULT_USER_ROLE: 'superuser',
        JWT_EXPIRES_IN: '4 weeks',
        DATABASE_URL: 'oracle://x',
        REDIS_URL: 'http://nope',
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigValidationError);
    const problems = (caught as ConfigValidationError).problems.join('\n');
    for (const name of [
      'PORT',
      'ENABLE_SIGNUP',
      'DEFAULT_USER_ROLE',
      'JWT_EXPIRES_IN',
      'DATABASE_URL',
      'REDIS_URL',
    ]) {
      expect(problems).toContain(`${name}:`);
    }
  });

  it('generates the secret once and keeps it across restarts in DATA_DIR/.webui_secret_key', () => {
    const dataDir = tempDir();
    const first = loadConfig({ DATA_DIR: dataDir }).secretKey;
    const second = loadConfig({ DATA_DIR: dataDir }).secretKey;
    expect(first.length).toBeGreaterThanOrEqual(32);
    expect(second).toBe(first);
    expect(readFileSync(join(dataDir, SECRET_KEY_FILE), 'utf8')).toBe(first);
    expect(statSync(join(dataDir, SECRET_KEY_FILE)).mode & 0o777).toBe(0o600);
  });

  it('prefers WEBUI_SECRET_KEY, then the legacy WEBUI_JWT_SECRET_KEY', () => {
    expect(
      loadConfig({ DATA_DIR: tempDir(), WEBUI_SECRET_KEY: 'a', WEBUI_JWT_SECRET_KEY: 'b' })
        .secretKey,
    ).toBe('a');
    expect(loadConfig({ DATA_DIR: tempDir(), WEBUI_JWT_SECRET_KEY: 'b' }).secretKey).toBe('b');
  });

  it('composes the database URL from DATABASE_TYPE and its parts', () => {
    const config = loadConfig({
      DATA_DIR: tempDir(),
      WEBUI_SECRET_KEY: 's',
      DATABASE_TYPE: 'postgresql',
      DATABASE_USER: 'atrium',
      DATABASE_PASSWORD: 'p@ss',
      DATABASE_HOST: 'db',
      DATABASE_PORT: '5433',
      DATABASE_NAME: 'chat',
    });
    expect(config.database.engine).toBe('postgres');
    expect(config.database.url).toBe('postgresql://atrium:p%40ss@db:5433/chat');
  });

  it('rewrites postgres:// and mariadb:// schemes', () => {
    const dataDir = tempDir();
    expect(
      loadConfig({ DATA_DIR: dataDir, WEBUI_SECRET_KEY: 's', DATABASE_URL: 'postgres://u@h/d' })
        .database.url,
    ).toBe('postgresql://u@h/d');
    const mysql = loadConfig({
      DATA_DIR: dataDir,
      WEBUI_SECRET_KEY: 's',
      DATABASE_URL: 'mariadb+pymysql://u@h/d',
    });
    expect(mysql.database).toMatchObject({ engine: 'mysql', url: 'mysql://u@h/d' });
  });

  it('forces signup off in single-user mode (WEBUI_AUTH=false)', () => {
    const config = loadConfig({
      DATA_DIR: tempDir(),
      WEBUI_SECRET_KEY: 's',
      WEBUI_AUTH: 'false',
      ENABLE_SIGNUP: 'true',
    });
    expect(config.auth.webuiAuth).toBe(false);
    expect(config.seeds['ui.enable_signup']).toBe(false);
  });

  it('needs WEBUI_ADMIN_PASSWORD with WEBUI_ADMIN_EMAIL', () => {
    expect(() => loadConfig({ DATA_DIR: tempDir(), WEBUI_ADMIN_EMAIL: 'a@b.c' })).toThrow(
      /WEBUI_ADMIN_PASSWORD/,
    );
  });

  it('seeds permission defaults from USER_PERMISSIONS_* variables', () => {
    const config = loadConfig({
      DATA_DIR: tempDir(),
      WEBUI_SECRET_KEY: 's',
      USER_PERMISSIONS_WORKSPACE_MODELS_ACCESS: 'true',
      USER_PERMISSIONS_CHAT_DELETE: 'false',
    });
    const permissions = config.seeds['user.permissions'];
    expect(permissions.workspace.models).toBe(true);
    expect(permissions.workspace.knowledge).toBe(false);
    expect(permissions.chat.delete).toBe(false);
    expect(permissions.chat.edit).toBe(true);
    expect(permissions.features.api_keys).toBe(false);
  });

  it('reads the cookie policy, falling back from the auth cookie names to the session ones', () => {
    const config = loadConfig({
      DATA_DIR: tempDir(),
      WEBUI_SECRET_KEY: 's',
      WEBUI_SESSION_COOKIE_SAME_SITE: 'strict',
      WEBUI_SESSION_COOKIE_SECURE: 'true',
    });
    expect(config.auth.cookie).toEqual({ sameSite: 'strict', secure: true });
    expect(() =>
      loadConfig({
        DATA_DIR: tempDir(),
        WEBUI_SECRET_KEY: 's',
        WEBUI_AUTH_COOKIE_SAME_SITE: 'none',
      }),
    ).toThrow(/WEBUI_AUTH_COOKIE_SECURE/);
  });

  describe('UVICORN_WORKERS', () => {
    const redis = { REDIS_URL: 'redis://127.0.0.1:6379', WEBSOCKET_MANAGER: 'redis' };

    it('defaults to one process', () => {
      expect(loadConfig({ DATA_DIR: tempDir(), WEBUI_SECRET_KEY: 's' }).server.workers).toBe(1);
    });

    it('reads a worker count when Redis is shared', () => {
      const config = loadConfig({
        DATA_DIR: tempDir(),
        WEBUI_SECRET_KEY: 's',
        UVICORN_WORKERS: '4',
        ...redis,
      });
      expect(config.server.workers).toBe(4);
    });

    it.each(['abc', '0', '-2', '1.5'])('rejects "%s" by name', (value) => {
      expect(() =>
        loadConfig({
          DATA_DIR: tempDir(),
          WEBUI_SECRET_KEY: 's',
          UVICORN_WORKERS: value,
          ...redis,
        }),
      ).toThrow(/UVICORN_WORKERS: /);
    });

    it.each([
      ['no Redis at all', {}],
      ['no WEBSOCKET_MANAGER', { REDIS_URL: redis.REDIS_URL }],
      [
        'only WEBSOCKET_REDIS_URL',
        { WEBSOCKET_REDIS_URL: redis.REDIS_URL, WEBSOCKET_MANAGER: 'redis' },
      ],
    ])('refuses more than one worker with %s, naming the variables', (_case, env) => {
      expect(() =>
        loadConfig({ DATA_DIR: tempDir(), WEBUI_SECRET_KEY: 's', UVICORN_WORKERS: '2', ...env }),
      ).toThrow(/UVICORN_WORKERS: .*REDIS_URL and WEBSOCKET_MANAGER=redis/);
    });
  });
});
