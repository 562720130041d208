import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootApp, type BootedApp } from './harness/boot-app.js';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe('static files without a frontend build', () => {
  let booted: BootedApp;

  beforeAll(async () => {
    booted = await bootApp();
  });
  afterAll(async () => {
    await booted?.close();
  });

  it.each(['/static/user.png', '/static/favicon.png', '/static/logo.png', '/static/splash.png'])(
    "%s is a PNG from Atrium's static dir",
    async (path) => {
      // superagent buffers image/* bodies into a Buffer.
      const response = await booted.http.get(path).expect(200);
      expect(response.headers['content-type']).toBe('image/png');
      expect((response.body as Buffer).subarray(0, 8)).toEqual(PNG_SIGNATURE);
      expect(response.headers.etag).toBeDefined();
    },
  );

  it('the root images /favicon.png and /user.png are served too', async () => {
    for (const path of ['/favicon.png', '/user.png']) {
      const response = await booted.http.get(path).expect(200);
      expect(response.headers['content-type']).toBe('image/png');
    }
  });

  it('a conditional request gets 304', async () => {
    const first = await booted.http.get('/static/user.png').expect(200);
    await booted.http.get('/static/user.png').set('If-None-Match', first.headers.etag).expect(304);
  });

  it('HEAD works and no token is needed', async () => {
    const response = await booted.http.head('/static/favicon.png').expect(200);
    expect(response.headers['content-type']).toBe('image/png');
  });

  it('a missing static file is a JSON 404', async () => {
    const response = await booted.http.get('/static/nope.png').expect(404);
    expect(response.body).toEqual({ detail: 'Not Found' });
  });

  it('traversal and hidden files are never served', async () => {
    for (const path of [
      '/static/..%2f..%2fpackage.json',
      '/static/%2e%2e/%2e%2e/package.json',
      '/static/.env',
    ]) {
      const response = await booted.http.get(path);
      expect(response.status).toBe(404);
    }
  });

  it('without FRONTEND_BUILD_DIR, / and unknown paths are the API 404', async () => {
    expect((await booted.http.get('/').expect(404)).body).toEqual({ detail: 'Not Found' });
    expect((await booted.http.get('/c/some-chat').expect(404)).body).toEqual({
      detail: 'Not Found',
    });
  });

  it("/manifest.json has Open WebUI's shape with WEBUI_NAME", async () => {
    const response = await booted.http.get('/manifest.json').expect(200);
    expect(response.body).toMatchObject({
      name: 'Open WebUI',
      short_name: 'Open WebUI',
      start_url: '/',
      display: 'standalone',
      icons: [
        { src: '/static/logo.png', type: 'image/png', sizes: '500x500', purpose: 'any' },
        { src: '/static/logo.png', type: 'image/png', sizes: '500x500', purpose: 'maskable' },
      ],
      share_target: { action: '/', method: 'GET', params: { text: 'shared' } },
    });
    await booted.http.get('/static/logo.png').expect(200);
  });

  it('/opensearch.xml is XML naming the instance', async () => {
    const response = await booted.http.get('/opensearch.xml').expect(200);
    expect(response.headers['content-type']).toMatch(/^application\/xml/);
    expect(response.text).toContain('<ShortName>Open WebUI</ShortName>');
  });
});

describe('FRONTEND_BUILD_DIR (single-page app)', () => {
  let booted: BootedApp;
  let frontend: string;
  const indexHtml = '<!doctype html><html><body>atrium-spa</body></html>';

  beforeAll(async () => {
    frontend = mkdtempSync(join(tmpdir(), 'atrium-spa-'));
    mkdirSync(join(frontend, '_app/immutable/chunks'), { recursive: true });
    mkdirSync(join(frontend, 'static'), { recursive: true });
    mkdirSync(join(frontend, 'pyodide'), { recursive: true });
    writeFileSync(join(frontend, 'index.html'), indexHtml);
    writeFileSync(join(frontend, '_app/immutable/chunks/app.abc123.js'), 'export const app = 1;\n');
    writeFileSync(join(frontend, '_app/version.json'), '{"version":"1"}');
    writeFileSync(join(frontend, 'robots.txt'), 'User-agent: *\n');
    writeFileSync(join(frontend, 'static/loader.js'), '// loader\n');
    writeFileSync(join(frontend, 'static/user.png'), 'not-the-atrium-one');
    writeFileSync(join(frontend, 'pyodide/pyodide.js'), '// pyodide\n');
    writeFileSync(join(frontend, '.env'), 'SECRET=1');
    booted = await bootApp({ env: { FRONTEND_BUILD_DIR: frontend } });
  });
  afterAll(async () => {
    await booted?.close();
    rmSync(frontend, { recursive: true, force: true });
  });

  it('serves index.html at / and for client-side routes, never cached', async () => {
    for (const path of [
      '/',
      '/c/0f4e6c1a-1d55-4d1e-9a55-5c3f1c1f6a1b',
      '/workspace/models/edit?id=llama3:latest',
      '/auth',
    ]) {
      const response = await booted.http.get(path).expect(200);
      expect(response.headers['content-type']).toMatch(/^text\/html/);
      expect(response.text).toBe(indexHtml);
      expect(response.headers['cache-control']).toBe('no-cache');
    }
  });

  it('serves existing files; hashed _app/immutable files are cached for a year', async () => {
    const chunk = await booted.http.get('/_app/immutable/chunks/app.abc123.js').expect(200);
    expect(chunk.headers['content-type']).toMatch(/javascript/);
    expect(chunk.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const version = await booted.http.get('/_app/version.json').expect(200);
    expect(version.headers['cache-control']).toBe('no-cache');
    await booted.http.get('/robots.txt').expect(200);
  });

  it('a missing .js or other asset is a real 404, not index.html', async () => {
    for (const path of [
      '/_app/immutable/chunks/gone.js',
      '/missing.js',
      '/missing.css',
      '/_app/whatever',
    ]) {
      const response = await booted.http.get(path).expect(404);
      expect(response.body).toEqual({ detail: 'Not Found' });
    }
  });

  it('never falls back to index.html under the API prefixes', async () => {
    for (const path of [
      '/api/nope',
      '/api/v1/nope',
      '/ollama/api/nope',
      '/oauth/x/login',
      '/health/nope',
      '/ws/nope',
      '/static/nope.js',
    ]) {
      const response = await booted.http.get(path);
      expect(response.status, path).toBe(404);
      expect(response.body, path).toEqual({ detail: 'Not Found' });
    }
    // /openai/{path} is Open WebUI's catch-all proxy: it exists for verified callers (404 for
    // them while ENABLE_OPENAI_API_PASSTHROUGH is off), so a caller without a token is refused.
    const proxied = await booted.http.get('/openai/nope');
    expect(proxied.status).toBe(403);
    expect(proxied.type).toBe('application/json');
  });

  it('API routes keep working next to the SPA', async () => {
    expect((await booted.http.get('/health').expect(200)).body).toEqual({ status: true });
    await booted.http.get('/api/version').expect(200);
  });

  it('only GET and HEAD get the SPA; other methods reach the API 404', async () => {
    const response = await booted.http.post('/c/some-chat').send({}).expect(404);
    expect(response.body).toEqual({ detail: 'Not Found' });
  });

  it("/static prefers Atrium's static dir, then the build's static folder", async () => {
    const user = await booted.http.get('/static/user.png').expect(200);
    expect(user.headers['content-type']).toBe('image/png');
    const loader = await booted.http.get('/static/loader.js').expect(200);
    expect(loader.text).toBe('// loader\n');
  });

  it('pyodide files carry Access-Control-Allow-Origin: *', async () => {
    const response = await booted.http.get('/pyodide/pyodide.js').expect(200);
    expect(response.headers['access-control-allow-origin']).toBe('*');
  });

  it('hidden files in the build are not served', async () => {
    const response = await booted.http.get('/.env');
    expect(response.text).not.toContain('SECRET');
  });
});
