import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@atrium/config';
import { StaticAssetsService } from './static-assets.service.js';

describe('StaticAssetsService', () => {
  let root: string;
  let withFrontend: StaticAssetsService;
  let apiOnly: StaticAssetsService;

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'atrium-assets-'));
    const staticDir = join(root, 'static-dir');
    const build = join(root, 'build');
    mkdirSync(staticDir);
    mkdirSync(join(build, 'static'), { recursive: true });
    mkdirSync(join(build, 'docs-page'), { recursive: true });
    writeFileSync(join(staticDir, 'favicon.png'), 'atrium');
    writeFileSync(join(build, 'favicon.png'), 'frontend');
    writeFileSync(join(build, 'static', 'favicon.png'), 'frontend');
    writeFileSync(join(build, 'static', 'custom.css'), '');
    writeFileSync(join(build, 'index.html'), '<html>');
    writeFileSync(join(build, 'docs-page', 'index.html'), '<html>');
    const env = { WEBUI_SECRET_KEY: 'unit', DATA_DIR: join(root, 'data'), STATIC_DIR: staticDir };
    withFrontend = new StaticAssetsService(loadConfig({ ...env, FRONTEND_BUILD_DIR: build }));
    apiOnly = new StaticAssetsService(loadConfig(env));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('leaves non-GET/HEAD requests and undecodable paths to the API', async () => {
    expect(await withFrontend.resolve('POST', '/')).toEqual({ kind: 'pass' });
    expect(await withFrontend.resolve('GET', '/%E0%A4%A')).toEqual({ kind: 'pass' });
    expect(await withFrontend.resolve('GET', '/a%00b')).toEqual({ kind: 'pass' });
  });

  it('STATIC_DIR wins over the frontend build for /static and the root images', async () => {
    expect(await withFrontend.resolve('GET', '/static/favicon.png')).toMatchObject({
      kind: 'file',
      root: join(root, 'static-dir'),
      relativePath: 'favicon.png',
    });
    expect(await withFrontend.resolve('GET', '/favicon.png')).toMatchObject({
      root: join(root, 'static-dir'),
    });
    expect(await withFrontend.resolve('GET', '/static/custom.css')).toMatchObject({
      root: join(root, 'build', 'static'),
    });
  });

  it('a directory serves its index.html; "/" serves the SPA entry', async () => {
    expect(await withFrontend.resolve('GET', '/docs-page/')).toMatchObject({
      relativePath: 'docs-page/index.html',
    });
    expect(await withFrontend.resolve('HEAD', '/')).toMatchObject({ relativePath: 'index.html' });
  });

  it('without a frontend build only /static and the root images are handled', async () => {
    expect(await apiOnly.resolve('GET', '/')).toEqual({ kind: 'pass' });
    expect(await apiOnly.resolve('GET', '/index.html')).toEqual({ kind: 'pass' });
    expect(await apiOnly.resolve('GET', '/user.png')).toEqual({ kind: 'not-found' });
    expect(await apiOnly.resolve('GET', '/static/../package.json')).toEqual({ kind: 'not-found' });
  });

  it('never answers under the API prefixes, even for names that exist in the build', async () => {
    for (const path of [
      '/api',
      '/api/config',
      '/docs',
      '/openapi.json',
      '/manifest.json',
      '/ws/socket.io/',
    ]) {
      expect(await withFrontend.resolve('GET', path)).toEqual({ kind: 'pass' });
    }
  });
});
