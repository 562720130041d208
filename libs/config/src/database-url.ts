import { join } from 'node:path';
import type { EnvReader } from './env-reader.js';

export type DatabaseEngine = 'sqlite' | 'postgres' | 'mysql';

export interface DatabaseUrlParts {
  engine: DatabaseEngine;
  /** The normalised URL (postgres:// rewritten to postgresql://). */
  url: string;
  /** File path for SQLite (":memory:" allowed). */
  sqlitePath?: string;
}

/**
 * Resolves DATABASE_URL, or composes it from DATABASE_TYPE/USER/PASSWORD/HOST/PORT/NAME,
 * or falls back to SQLite at DATA_DIR/webui.db (Open WebUI's default).
 */
export function resolveDatabaseUrl(reader: EnvReader, dataDir: string): DatabaseUrlParts {
  const explicit = reader.raw('DATABASE_URL');
  const composed = explicit === undefined ? composeFromParts(reader) : undefined;
  const url = explicit ?? composed ?? `sqlite:///${join(dataDir, 'webui.db')}`;
  const parsed = parseDatabaseUrl(url);
  if (parsed === undefined) {
    reader.check(
      explicit !== undefined ? 'DATABASE_URL' : 'DATABASE_TYPE',
      false,
      `unsupported database URL "${redactUrl(url)}" (use sqlite:///path, postgresql://... or mysql://...)`,
    );
    return {
      engine: 'sqlite',
      url: `sqlite:///${join(dataDir, 'webui.db')}`,
      sqlitePath: join(dataDir, 'webui.db'),
    };
  }
  return parsed;
}

export function parseDatabaseUrl(url: string): DatabaseUrlParts | undefined {
  const sqlite = /^sqlite(?:\+[a-z]+)?:\/\/\/?(.*)$/i.exec(url);
  if (sqlite) {
    // sqlite:///relative/path and sqlite:////absolute/path, as in SQLAlchemy.
    const path = sqlite[1] === '' || sqlite[1] === ':memory:' ? ':memory:' : sqlite[1];
    return { engine: 'sqlite', url, sqlitePath: path };
  }
  if (/^postgres(ql)?(\+[a-z0-9]+)?:\/\//i.test(url)) {
    return {
      engine: 'postgres',
      url: url.replace(/^postgres(ql)?(\+[a-z0-9]+)?:/i, 'postgresql:'),
    };
  }
  if (/^(mysql|mariadb)(\+[a-z0-9]+)?:\/\//i.test(url)) {
    return { engine: 'mysql', url: url.replace(/^(mysql|mariadb)(\+[a-z0-9]+)?:/i, 'mysql:') };
  }
  return undefined;
}

function composeFromParts(reader: EnvReader): string | undefined {
  const type = reader.raw('DATABASE_TYPE');
  if (type === undefined) return undefined;
  const user = encodeURIComponent(reader.string('DATABASE_USER', ''));
  const password = reader.raw('DATABASE_PASSWORD');
  const host = reader.string('DATABASE_HOST', '127.0.0.1');
  const port = reader.raw('DATABASE_PORT');
  const name = reader.string('DATABASE_NAME', 'open-webui');
  const credentials = user ? `${user}${password ? `:${encodeURIComponent(password)}` : ''}@` : '';
  const scheme = type.toLowerCase().startsWith('postgres') ? 'postgresql' : type.toLowerCase();
  if (scheme === 'sqlite') return `sqlite:///${name}`;
  return `${scheme}://${credentials}${host}${port ? `:${port}` : ''}/${name}`;
}

/** The URL with its password replaced, for logs and error messages. */
export function redactUrl(url: string): string {
  return url.replace(/(\/\/[^:/@]+:)[^@]*@/, '$1***@');
}
