import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootApp, type BootedApp } from './harness/boot-app.js';

describe('OpenAPI docs', () => {
  it('ENV=dev (the default) serves /docs and /openapi.json', async () => {
    const booted = await bootApp();
    try {
      const html = await booted.http.get('/docs').expect(200);
      expect(html.headers['content-type']).toMatch(/^text\/html/);
      expect(html.text).toContain('swagger');
      const spec = await booted.http.get('/openapi.json').expect(200);
      expect(spec.body.openapi).toMatch(/^3\./);
      expect(Object.keys(spec.body.paths)).toEqual(
        expect.arrayContaining(['/api/config', '/api/version', '/health', '/ready']),
      );
      await booted.http.get('/docs/').expect(200);
      await booted.http.get('/docs/swagger-ui.css').expect(200);
      const bundle = await booted.http.get('/docs/swagger-ui-bundle.js').expect(200);
      expect(bundle.headers['content-type']).toMatch(/javascript/);
      for (const path of [
        '/docs/package.json',
        '/docs/..%2f..%2fpackage.json',
        '/docs/index.html',
      ]) {
        expect((await booted.http.get(path).expect(404)).body, path).toEqual({
          detail: 'Not Found',
        });
      }
    } finally {
      await booted.close();
    }
  });

  it('ENV=prod serves neither', async () => {
    const booted = await bootApp({ env: { ENV: 'prod' } });
    try {
      expect((await booted.http.get('/docs').expect(404)).body).toEqual({ detail: 'Not Found' });
      expect((await booted.http.get('/openapi.json').expect(404)).body).toEqual({
        detail: 'Not Found',
      });
    } finally {
      await booted.close();
    }
  });
});

describe("errors in Open WebUI's shape", () => {
  let booted: BootedApp;

  beforeAll(async () => {
    booted = await bootApp({ env: { ENV: 'prod' } });
  });
  afterAll(async () => {
    await booted?.close();
  });

  it('an unknown route is 404 {"detail": "Not Found"}', async () => {
    for (const path of ['/api/nope', '/api/v1/nope', '/nope']) {
      expect((await booted.http.get(path).expect(404)).body).toEqual({ detail: 'Not Found' });
    }
  });

  it('a known path with the wrong method is a JSON 404 (FastAPI would say 405)', async () => {
    const response = await booted.http.delete('/api/version').expect(404);
    expect(response.body).toEqual({ detail: 'Not Found' });
  });

  it("malformed JSON is FastAPI's 422 json_invalid", async () => {
    const response = await booted.http
      .post('/api/version')
      .set('Content-Type', 'application/json')
      .send('{"broken": ');
    expect(response.status).toBe(422);
    expect(response.body.detail[0]).toMatchObject({ type: 'json_invalid', loc: ['body'] });
  });

  it('a body over the size limit is 413 with a detail', async () => {
    const small = await bootApp({ env: { ENV: 'prod', REQUEST_BODY_LIMIT: '1kb' } });
    try {
      const response = await small.http
        .post('/api/version')
        .set('Content-Type', 'application/json')
        .send(JSON.stringify({ blob: 'x'.repeat(4096) }))
        .expect(413);
      expect(['Request body too large', 'request entity too large']).toContain(
        response.body.detail,
      );
    } finally {
      await small.close();
    }
  });

  it('a malformed percent-encoding in the path is a 400, not a crash', async () => {
    const response = await booted.http.get('/api/%E0%A4%A').expect(400);
    expect(typeof response.body.detail).toBe('string');
  });
});

describe('CORS', () => {
  it("CORS_ALLOW_ORIGIN='*' (default) reflects the caller's origin with credentials", async () => {
    const booted = await bootApp();
    try {
      const response = await booted.http
        .get('/api/config')
        .set('Origin', 'https://chat.example.com')
        .expect(200);
      expect(response.headers['access-control-allow-origin']).toBe('https://chat.example.com');
      expect(response.headers['access-control-allow-credentials']).toBe('true');
      const preflight = await booted.http
        .options('/api/v1/auths/signin')
        .set('Origin', 'https://chat.example.com')
        .set('Access-Control-Request-Method', 'POST')
        .set('Access-Control-Request-Headers', 'content-type,authorization');
      expect(preflight.status).toBeLessThan(300);
      expect(preflight.headers['access-control-allow-origin']).toBe('https://chat.example.com');
      expect(preflight.headers['access-control-allow-credentials']).toBe('true');
      expect(preflight.headers['access-control-allow-methods']).toContain('POST');
    } finally {
      await booted.close();
    }
  });

  it('a specific list allows only those origins', async () => {
    const booted = await bootApp({
      env: { CORS_ALLOW_ORIGIN: 'https://a.example.com;https://b.example.com' },
    });
    try {
      const allowed = await booted.http
        .get('/health')
        .set('Origin', 'https://b.example.com')
        .expect(200);
      expect(allowed.headers['access-control-allow-origin']).toBe('https://b.example.com');
      expect(allowed.headers['access-control-allow-credentials']).toBe('true');
      const refused = await booted.http
        .get('/health')
        .set('Origin', 'https://evil.example.com')
        .expect(200);
      expect(refused.headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await booted.close();
    }
  });
});
