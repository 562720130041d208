import { describe, expect, it } from 'vitest';
import { parseDatabaseUrl, redactUrl } from './database-url.js';

describe('parseDatabaseUrl', () => {
  it('reads SQLAlchemy-style SQLite URLs', () => {
    expect(parseDatabaseUrl('sqlite:///data/webui.db')).toMatchObject({
      engine: 'sqlite',
      sqlitePath: 'data/webui.db',
    });
    expect(parseDatabaseUrl('sqlite:////abs/webui.db')).toMatchObject({
      sqlitePath: '/abs/webui.db',
    });
    expect(parseDatabaseUrl('sqlite://')).toMatchObject({ sqlitePath: ':memory:' });
  });

  it('normalises PostgreSQL and MySQL schemes and rejects others', () => {
    expect(parseDatabaseUrl('postgresql+psycopg2://u:p@h:5432/d')?.url).toBe(
      'postgresql://u:p@h:5432/d',
    );
    expect(parseDatabaseUrl('mysql://root@127.0.0.1:3306/test')?.engine).toBe('mysql');
    expect(parseDatabaseUrl('mssql://x')).toBeUndefined();
  });

  it('redacts passwords for logs', () => {
    expect(redactUrl('postgresql://user:secret@host/db')).toBe('postgresql://user:***@host/db');
    expect(redactUrl('postgresql://user@host/db')).toBe('postgresql://user@host/db');
  });
});
