import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLogWriter } from '@atrium/observability';
import { bootApp, type BootedApp } from './harness/boot-app.js';
import { bearer, signup, STRONG_PASSWORD, type Account } from './auth-fixtures.js';

/**
 * Open WebUI's audit log file (§8): which requests are recorded at each AUDIT_LOG_LEVEL, what
 * each record holds, and that no secret reaches the file.
 */
interface Entry {
  id: string;
  timestamp: number;
  user: Record<string, string>;
  audit_level: string;
  verb: string;
  request_uri: string;
  response_status_code: number | null;
  source_ip: string | null;
  user_agent: string | null;
  request_object: string;
  response_object: string;
  extra: Record<string, unknown>;
}

const KEYS = [
  'id',
  'timestamp',
  'user',
  'audit_level',
  'verb',
  'request_uri',
  'response_status_code',
  'source_ip',
  'user_agent',
  'request_object',
  'response_object',
  'extra',
];

async function startAudited(env: Record<string, string>) {
  const booted = await bootApp({ env });
  const admin = await signup(booted.http, 'admin@example.com');
  const file = booted.config.observability.audit.filePath;
  const entries = async (): Promise<Entry[]> => {
    // The record is queued when the server finishes the response, just after the client has it.
    await new Promise((resolve) => setTimeout(resolve, 20));
    await booted.app.get(AuditLogWriter).flush();
    if (!existsSync(file)) return [];
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => line.length > 0)
      .map((line) => JSON.parse(line) as Entry);
  };
  return { booted, admin, entries };
}

describe('audit log at METADATA', () => {
  let booted: BootedApp;
  let admin: Account;
  let entries: () => Promise<Entry[]>;

  beforeAll(async () => {
    ({ booted, admin, entries } = await startAudited({ AUDIT_LOG_LEVEL: 'metadata' }));
  });
  afterAll(async () => {
    await booted?.close();
  });

  it('writes DATA_DIR/audit.log with the §8 keys in order; sign-up is always audited', async () => {
    expect(booted.config.observability.audit.filePath).toBe(
      join(booted.config.dataDir, 'audit.log'),
    );
    const [first] = await entries();
    expect(Object.keys(first)).toEqual(KEYS);
    expect(first).toMatchObject({
      user: {},
      audit_level: 'METADATA',
      verb: 'POST',
      response_status_code: null,
      request_object: '',
      response_object: '',
    });
    expect(first.request_uri).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/v1\/auths\/signup$/);
    expect(first.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(Math.abs(first.timestamp - Date.now() / 1000)).toBeLessThan(60);
    expect(first.extra.request_id).toEqual(expect.any(String));
  });

  it('records authenticated writes with the caller, skips GET, anonymous and excluded paths', async () => {
    const before = (await entries()).length;
    await booted.http
      .post('/api/v1/auths/update/timezone')
      .set(...bearer(admin))
      .set('User-Agent', 'audit-test/1.0')
      .set('X-Request-Id', 'req-123')
      .send({ timezone: 'Europe/Paris' })
      .expect('X-Request-Id', 'req-123');
    await booted.http.get('/api/v1/auths/').set(...bearer(admin)); // GET: not audited
    await booted.http.post('/api/v1/auths/update/timezone').send({ timezone: 'UTC' }); // anonymous
    await booted.http
      .post('/api/v1/chats/new')
      .set(...bearer(admin))
      .send({}); // excluded
    await booted.http
      .post('/api/v1/folders/')
      .set(...bearer(admin))
      .send({}); // excluded
    await booted.http
      .post('/api/v1/chatsx/')
      .set(...bearer(admin))
      .send({}); // \b: not /chats
    await booted.http
      .post('/ollama/api/chat')
      .set(...bearer(admin))
      .send({}); // never excluded
    const added = (await entries()).slice(before);
    expect(added.map((entry) => `${entry.verb} ${new URL(entry.request_uri).pathname}`)).toEqual([
      'POST /api/v1/auths/update/timezone',
      'POST /api/v1/chatsx/',
      'POST /ollama/api/chat',
    ]);
    expect(added[0]).toMatchObject({
      user: { id: admin.id, name: 'admin', email: 'admin@example.com', role: 'admin' },
      user_agent: 'audit-test/1.0',
      extra: { request_id: 'req-123' },
    });
    expect(added[0].source_ip).toMatch(/127\.0\.0\.1/);
  });

  it('audits requests the guard refuses when a credential was presented', async () => {
    const before = (await entries()).length;
    await booted.http
      .post('/api/v1/auths/add')
      .set('Authorization', 'Bearer not-a-valid-token')
      .send({})
      .expect(401);
    const added = (await entries()).slice(before);
    expect(added).toHaveLength(1);
    expect(added[0].user).toEqual({});
    expect(JSON.stringify(added[0])).not.toContain('not-a-valid-token');
  });
});

describe('audit log at REQUEST_RESPONSE', () => {
  let booted: BootedApp;
  let admin: Account;
  let entries: () => Promise<Entry[]>;

  beforeAll(async () => {
    ({ booted, admin, entries } = await startAudited({
      AUDIT_LOG_LEVEL: 'REQUEST_RESPONSE',
      MAX_BODY_LOG_SIZE: '300',
      ENABLE_AUDIT_GET_REQUESTS: 'true',
    }));
  });
  afterAll(async () => {
    await booted?.close();
  });

  it('keeps request and response bodies with the status, every secret masked', async () => {
    await booted.http
      .post('/api/v1/auths/signin')
      .send({ email: 'admin@example.com', password: STRONG_PASSWORD })
      .expect(200);
    await booted.http
      .post('/api/v1/auths/signin')
      .send({ email: 'admin@example.com', password: 'Wrong-Password-1' })
      .expect(400);
    const all = await entries();
    const text = readFileSync(booted.config.observability.audit.filePath, 'utf8');
    const [signupEntry, ok, failed] = all;
    expect(signupEntry.request_object).toContain('"password":"********"');
    expect(ok.response_status_code).toBe(200);
    expect(ok.request_object).toBe('{"email":"admin@example.com","password":"********"}');
    expect(ok.response_object).toContain('"token":"********"');
    expect(ok.response_object.length).toBeLessThanOrEqual(300);
    expect(failed.response_status_code).toBe(400);
    expect(failed.response_object).toContain('detail');
    expect(text).not.toContain(STRONG_PASSWORD);
    expect(text).not.toContain('Wrong-Password-1');
    expect(text).not.toContain(admin.token);
  });

  it('masks secrets in query strings and form bodies, and audits GET when enabled', async () => {
    const before = (await entries()).length;
    await booted.http
      .get(`/api/v1/auths/?token=${admin.token}&api_key=sk-abcdef123456&page=2`)
      .set(...bearer(admin))
      .expect(200);
    await booted.http
      .post('/api/v1/auths/update/timezone')
      .set(...bearer(admin))
      .type('form')
      .send({ timezone: 'UTC', password: 'form-secret-1', client_secret: 'cs-secret' });
    await booted.http
      .post('/api/v1/auths/update/timezone')
      .set(...bearer(admin))
      .send({
        timezone: 'UTC',
        nested: { apiKey: 'k1', note: 'Bearer abc.def.ghi', max_tokens: 5 },
      });
    const [get, form, json] = (await entries()).slice(before);
    expect(get.verb).toBe('GET');
    expect(get.request_uri).toMatch(/\?token=\*{8}&api_key=\*{8}&page=2$/);
    expect(form.request_object).toBe('timezone=UTC&password=********&client_secret=********');
    expect(JSON.parse(json.request_object)).toEqual({
      timezone: 'UTC',
      nested: { apiKey: '********', note: 'Bearer ********', max_tokens: 5 },
    });
    const text = readFileSync(booted.config.observability.audit.filePath, 'utf8');
    for (const secret of [
      admin.token,
      'sk-abcdef123456',
      'form-secret-1',
      'cs-secret',
      'abc.def.ghi',
    ])
      expect(text).not.toContain(secret);
  });
});

describe('audit log bodies that are not JSON', () => {
  let booted: BootedApp;
  let admin: Account;
  let entries: () => Promise<Entry[]>;

  beforeAll(async () => {
    ({ booted, admin, entries } = await startAudited({
      AUDIT_LOG_LEVEL: 'REQUEST',
      MAX_BODY_LOG_SIZE: '700',
    }));
  });
  afterAll(async () => {
    await booted?.close();
  });

  it('keeps the first bytes of a multipart/form-data body with secret fields masked', async () => {
    const before = (await entries()).length;
    await booted.http
      .post('/api/v1/auths/update/timezone')
      .set(...bearer(admin))
      .field('timezone', 'UTC')
      .field('password', 'multipart-secret-1')
      .field('api_key', 'mp-key-value-2')
      .attach('file', Buffer.from('file body Bearer abc.def.ghi'), 'notes.txt');
    // A 1 MB upload: only MAX_BODY_LOG_SIZE bytes are kept.
    await booted.http
      .post('/api/v1/auths/update/timezone')
      .set(...bearer(admin))
      .field('token', 'multipart-token-3')
      .attach('file', Buffer.alloc(1024 * 1024, 'z'), 'big.bin');
    const [small, big] = (await entries()).slice(before);
    expect(small.request_object).toMatch(/name="timezone"\r\n\r\nUTC\r\n/);
    expect(small.request_object).toMatch(/name="password"\r\n\r\n\*{8}\r\n/);
    expect(small.request_object).toMatch(/name="api_key"\r\n\r\n\*{8}\r\n/);
    expect(small.request_object).toContain('filename="notes.txt"');
    expect(small.request_object).toContain('file body Bearer ********');
    expect(Buffer.byteLength(big.request_object)).toBeLessThanOrEqual(700);
    expect(big.request_object).toMatch(/name="token"\r\n\r\n\*{8}\r\n/);
    expect(big.request_object).toContain('zzzz');
    const text = readFileSync(booted.config.observability.audit.filePath, 'utf8');
    for (const secret of [
      'multipart-secret-1',
      'mp-key-value-2',
      'abc.def.ghi',
      'multipart-token-3',
    ])
      expect(text).not.toContain(secret);
  });

  it('caps JSON and urlencoded bodies at MAX_BODY_LOG_SIZE bytes after masking', async () => {
    // The cut lands inside a 2-byte character, which becomes U+FFFD (3 bytes), as Python's
    // decode(errors="replace") does in Open WebUI.
    const before = (await entries()).length;
    const long = 'é'.repeat(5000);
    await booted.http
      .post('/api/v1/auths/update/timezone')
      .set(...bearer(admin))
      .send({ password: 'json-secret-4', note: long });
    await booted.http
      .post('/api/v1/auths/update/timezone')
      .set(...bearer(admin))
      .type('form')
      .send({ access_token: 'form-token-5', note: long });
    const [json, form] = (await entries()).slice(before);
    expect(json.request_object.startsWith('{"password":"********","note":"éé')).toBe(true);
    expect(form.request_object.startsWith('access_token=********&note=%C3%A9')).toBe(true);
    for (const entry of [json, form]) {
      expect(Buffer.byteLength(entry.request_object)).toBeLessThanOrEqual(700 + 2);
      expect(entry.request_object.length).toBeLessThanOrEqual(700);
    }
  });
});

describe('audit log include list and levels', () => {
  it('AUDIT_INCLUDED_PATHS is a whitelist that overrides the exclusions', async () => {
    const { booted, admin, entries } = await startAudited({
      AUDIT_LOG_LEVEL: 'REQUEST',
      AUDIT_INCLUDED_PATHS: '/chats',
    });
    try {
      const before = (await entries()).length;
      await booted.http
        .post('/api/v1/chats/new')
        .set(...bearer(admin))
        .send({ a: 1 });
      await booted.http
        .post('/api/chats/x')
        .set(...bearer(admin))
        .send({});
      await booted.http
        .post('/api/v1/auths/update/timezone')
        .set(...bearer(admin))
        .send({});
      await booted.http
        .post('/ollama/api/chat')
        .set(...bearer(admin))
        .send({});
      const added = (await entries()).slice(before);
      expect(added.map((entry) => new URL(entry.request_uri).pathname)).toEqual([
        '/api/v1/chats/new',
        '/api/chats/x',
      ]);
      expect(added[0]).toMatchObject({
        audit_level: 'REQUEST',
        request_object: '{"a":1}',
        response_object: '',
        response_status_code: null,
      });
    } finally {
      await booted.close();
    }
  });

  it('NONE (the default) and an unknown level write nothing', async () => {
    for (const level of [undefined, 'verbose']) {
      const { booted, entries } = await startAudited(level ? { AUDIT_LOG_LEVEL: level } : {});
      try {
        expect(booted.config.observability.audit.level).toBe('NONE');
        expect(await entries()).toEqual([]);
      } finally {
        await booted.close();
      }
    }
  });
});
