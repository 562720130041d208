import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LatestReleaseClient } from './latest-release.client.js';

describe('LatestReleaseClient', () => {
  let server: Server;
  let base: string;

  beforeAll(async () => {
    server = createServer((request, response) => {
      if (request.url === '/ok') return response.end(JSON.stringify({ tag_name: 'v1.4.2' }));
      if (request.url === '/bare') return response.end(JSON.stringify({ tag_name: '2.0.0' }));
      if (request.url === '/odd') return response.end(JSON.stringify({ name: 'x' }));
      if (request.url === '/html') return response.end('<html>');
      if (request.url === '/slow') return setTimeout(() => response.end('{}'), 2_000).unref();
      response.statusCode = 500;
      response.end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const client = new LatestReleaseClient();

  it('reads tag_name and drops a leading v', async () => {
    expect(await client.fetchLatestVersion(`${base}/ok`, 1_000)).toBe('1.4.2');
    expect(await client.fetchLatestVersion(`${base}/bare`, 1_000)).toBe('2.0.0');
  });

  it('gives null for errors, nonsense and slowness', async () => {
    expect(await client.fetchLatestVersion(`${base}/error`, 1_000)).toBeNull();
    expect(await client.fetchLatestVersion(`${base}/odd`, 1_000)).toBeNull();
    expect(await client.fetchLatestVersion(`${base}/html`, 1_000)).toBeNull();
    const started = Date.now();
    expect(await client.fetchLatestVersion(`${base}/slow`, 200)).toBeNull();
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(await client.fetchLatestVersion('http://127.0.0.1:1/', 1_000)).toBeNull();
  });
});
