// Relay overhead: the same streaming chat sent straight to a model server double and through
// Atrium (built server from dist, spawned as in cold-start), at 1 and 100 concurrent streams.
// Reports the latency Atrium adds to time-to-first-byte and to the whole stream (p50/p99), for
// the SSE passthrough (/openai/chat/completions) and the Ollama -> OpenAI conversion
// (/api/chat/completions), plus /api/models requests per second with a warm cache.
import { mkdtemp, rm } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startRelayUpstream } from './relay-upstream.mjs';
import { startServer } from './support/server-process.mjs';

const agent = new Agent({ keepAlive: true, maxSockets: Infinity });

/** One POST; resolves to { ttfb, total } in ms once the whole body has arrived. */
function timedPost(url, body, headers = {}) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const payload = JSON.stringify(body);
    const req = request(url, {
      method: 'POST',
      agent,
      headers: {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(payload),
        ...headers,
      },
    });
    req.on('response', (response) => {
      if (response.statusCode !== 200) {
        reject(new Error(`${url} answered ${response.statusCode}`));
        response.resume();
        return;
      }
      let ttfb;
      response.on('data', () => {
        ttfb ??= performance.now() - started;
      });
      response.on('end', () => resolve({ ttfb, total: performance.now() - started }));
      response.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}

function getJson(url, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, headers }, (response) => {
      const chunks = [];
      response.on('data', (chunk) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode, body: Buffer.concat(chunks) }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

function percentile(samples, p) {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function measure(send, concurrency, rounds) {
  const ttfb = [];
  const total = [];
  for (let round = 0; round < rounds; round += 1) {
    const results = await Promise.all(Array.from({ length: concurrency }, () => send()));
    for (const result of results) {
      ttfb.push(result.ttfb);
      total.push(result.total);
    }
  }
  return { ttfb, total };
}

const row = (metric, value) => {
  const rounded = Math.round(value * 100) / 100;
  return { metric, unit: 'ms', median: rounded, min: rounded, max: rounded, samples: [rounded] };
};

export default {
  name: 'relay-overhead',
  description:
    'streamed chat (64 tokens) direct to a model-server double vs through Atrium at 1 and 100 streams: added TTFB/total p50/p99',
  needsBuild: true,
  async run({ root, runs = 5, log }) {
    const upstream = await startRelayUpstream({ tokens: 64 });
    const dataDir = await mkdtemp(join(tmpdir(), 'atrium-bench-'));
    const server = await startServer({
      entry: join(root, 'dist/apps/api/src/main.js'),
      cwd: root,
      env: {
        DATA_DIR: dataDir,
        WEBUI_SECRET_KEY: 'atrium-bench-secret',
        NODE_ENV: 'production',
        GLOBAL_LOG_LEVEL: 'WARNING',
        OLLAMA_BASE_URLS: upstream.url,
        OPENAI_API_BASE_URLS: `${upstream.url}/v1`,
        OPENAI_API_KEYS: 'sk-bench',
        MODELS_CACHE_TTL: '60',
      },
    });
    const rows = [];
    try {
      await server.waitFor200('/health');
      const base = `http://127.0.0.1:${server.port}`;
      const signup = await new Promise((resolve, reject) => {
        const payload = JSON.stringify({
          name: 'Bench',
          email: 'bench@example.com',
          password: 'Bench-password-1',
        });
        const req = request(`${base}/api/v1/auths/signup`, {
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/json' },
        });
        req.on('response', (response) => {
          const chunks = [];
          response.on('data', (chunk) => chunks.push(chunk));
          response.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString())));
        });
        req.on('error', reject);
        req.end(payload);
      });
      const auth = { authorization: `Bearer ${signup.token}` };
      const messages = [{ role: 'user', content: 'hello' }];
      const scenarios = [
        {
          name: 'SSE passthrough /openai/chat/completions',
          direct: () =>
            timedPost(`${upstream.url}/v1/chat/completions`, {
              model: 'bench-gpt',
              stream: true,
              messages,
            }),
          through: () =>
            timedPost(
              `${base}/openai/chat/completions`,
              { model: 'bench-gpt', stream: true, messages },
              auth,
            ),
        },
        {
          name: 'Ollama->OpenAI /api/chat/completions',
          direct: () =>
            timedPost(`${upstream.url}/api/chat`, {
              model: 'bench:latest',
              stream: true,
              messages,
            }),
          through: () =>
            timedPost(
              `${base}/api/chat/completions`,
              { model: 'bench:latest', stream: true, messages },
              auth,
            ),
        },
      ];
      // Warm up connections, JIT and the model cache.
      for (const scenario of scenarios) await measure(scenario.through, 10, 3);
      for (const scenario of scenarios) {
        for (const concurrency of [1, 100]) {
          const rounds = concurrency === 1 ? 20 * runs : runs;
          const direct = await measure(scenario.direct, concurrency, rounds);
          const through = await measure(scenario.through, concurrency, rounds);
          for (const [label, key] of [
            ['TTFB', 'ttfb'],
            ['total', 'total'],
          ]) {
            for (const p of [50, 99]) {
              const added = percentile(through[key], p) - percentile(direct[key], p);
              rows.push(row(`${scenario.name} c=${concurrency} ${label} p${p} added`, added));
            }
          }
          log(
            `${scenario.name} c=${concurrency}: TTFB p50 direct ${percentile(direct.ttfb, 50).toFixed(2)} ms, ` +
              `through ${percentile(through.ttfb, 50).toFixed(2)} ms; total p50 direct ` +
              `${percentile(direct.total, 50).toFixed(2)} ms, through ${percentile(through.total, 50).toFixed(2)} ms`,
          );
        }
      }
      // /api/models with a warm cache: requests per second at 50 in flight.
      await getJson(`${base}/api/models`, auth);
      const count = 2000 * Math.max(1, Math.round(runs / 5));
      let next = 0;
      const started = performance.now();
      await Promise.all(
        Array.from({ length: 50 }, async () => {
          while (next < count) {
            next += 1;
            const response = await getJson(`${base}/api/models`, auth);
            if (response.status !== 200) throw new Error(`/api/models answered ${response.status}`);
          }
        }),
      );
      const seconds = (performance.now() - started) / 1000;
      const rps = Math.round(count / seconds);
      rows.push({
        metric: '/api/models warm cache, 50 in flight',
        unit: 'req/s',
        median: rps,
        min: rps,
        max: rps,
        samples: [rps],
      });
      log(`/api/models: ${rps} req/s`);
    } finally {
      await server.stop();
      await upstream.close();
      agent.destroy();
      await rm(dataDir, { recursive: true, force: true });
    }
    return rows;
  },
};
