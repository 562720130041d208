import { describe, expect, it } from 'vitest';
import type { AppConfig } from '@atrium/config';
import type { Clock } from '@atrium/common';
import { AtriumMetrics } from '@atrium/observability';
import type { ConnectionSet, ProviderKind } from '../connections/connection.types.js';
import type { ConnectionsService } from '../connections/connections.service.js';
import type { UpstreamHttpClient, UpstreamRequest } from '../relay/upstream-http.client.js';
import { ModelCatalogService } from './model-catalog.service.js';

function setup() {
  let now = 1_000_000;
  const clock: Clock = { nowMs: () => now, nowSeconds: () => Math.floor(now / 1000) };
  const sets: Record<ProviderKind, ConnectionSet> = {
    ollama: { enabled: true, urls: ['http://a', 'http://b'], keys: [], configs: {} },
    openai: { enabled: false, urls: [], keys: [], configs: {} },
  };
  const connections = {
    get: (kind: ProviderKind) => sets[kind],
    onChange: () => undefined,
  } as unknown as ConnectionsService;
  const calls: string[] = [];
  const down = new Set<string>();
  const http = {
    json: (request: UpstreamRequest) => {
      calls.push(request.url);
      const host = new URL(request.url).host;
      if (down.has(host)) return Promise.reject(new Error('connect ECONNREFUSED'));
      return Promise.resolve({
        status: 200,
        text: '',
        body: { models: [{ name: `${host}-model:latest`, model: `${host}-model:latest` }] },
      });
    },
  } as unknown as UpstreamHttpClient;
  const config = {
    providers: { modelListTimeoutMs: 1000, modelsCacheTtlMs: 5000 },
  } as unknown as AppConfig;
  const metrics = new AtriumMetrics();
  const catalog = new ModelCatalogService(config, connections, http, clock, metrics);
  return {
    catalog,
    metrics,
    calls,
    down,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

const ids = async (catalog: ModelCatalogService, refresh = true) =>
  [...(await catalog.current(refresh)).byId.keys()].sort();

describe('ModelCatalogService', () => {
  it('keeps a failing connection’s last list until the TTL, and backs off exponentially', async () => {
    const { catalog, calls, down, advance } = setup();
    expect(await ids(catalog)).toEqual(['a-model:latest', 'b-model:latest']);

    down.add('b');
    calls.length = 0;
    expect(await ids(catalog)).toEqual(['a-model:latest', 'b-model:latest']);
    expect(calls).toEqual(['http://a/api/tags', 'http://b/api/tags']);

    // Inside the 1 s backoff: b is not called at all.
    calls.length = 0;
    advance(500);
    await ids(catalog);
    expect(calls).toEqual(['http://a/api/tags']);

    // After the backoff b is tried again, fails, and the next wait doubles (2 s).
    advance(600);
    calls.length = 0;
    await ids(catalog);
    expect(calls).toEqual(['http://a/api/tags', 'http://b/api/tags']);
    advance(1500);
    calls.length = 0;
    await ids(catalog);
    expect(calls).toEqual(['http://a/api/tags']);

    // Past the cache TTL since b's last good answer, its models drop out.
    advance(5000);
    expect(await ids(catalog)).toEqual(['a-model:latest']);

    // Back up: a success resets the backoff.
    down.delete('b');
    advance(10_000);
    expect(await ids(catalog)).toEqual(['a-model:latest', 'b-model:latest']);
  });

  it('serves the cached list and refreshes once in the background when stale', async () => {
    const { catalog, calls, advance } = setup();
    await ids(catalog, false);
    calls.length = 0;
    await ids(catalog, false);
    expect(calls).toEqual([]);
    advance(6000);
    const stale = catalog.current();
    const again = catalog.current();
    expect((await stale).builtAt).toBe((await again).builtAt);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(calls).toEqual(['http://a/api/tags', 'http://b/api/tags']);
  });
});
