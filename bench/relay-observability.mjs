// Observability overhead on the relay: the same paced streaming load (Ollama model-server
// double -> /api/chat/completions) against two real server processes, one with observability
// off (the default) and one with AUDIT_LOG_LEVEL=METADATA plus OpenTelemetry traces and metrics
// exported over OTLP/HTTP to a loopback receiver. Reports server CPU seconds per relayed token
// (/proc/<pid>/stat, over the measured rounds only) and client-side TTFT p50/p99 for both, and
// the CPU overhead (goal: <= 10%).
import { mkdtemp, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { Agent, createServer, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startRelayUpstream } from './relay-upstream.mjs';
import { startServer } from './support/server-process.mjs';

const TOKENS = 64;
const TOKEN_DELAY_MS = 20; // 50 tokens/s per stream, as a real model server paces them
const STREAMS = 150;
const CLOCK_TICKS = 100; // Linux USER_HZ

/** User + system CPU seconds of a process so far. */
function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** An OTLP/HTTP sink on loopback: reads and acknowledges every export, counting them. */
export async function startOtlpSink() {
  const received = { exports: 0, bytes: 0 };
  const server = createServer((req, res) => {
    req.on('error', () => {}); // an export the server gave up on (timeout) is just dropped
    req.on('data', (chunk) => (received.bytes += chunk.length));
    req.on('end', () => {
      received.exports += 1;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    received,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

function postJson(agent, url, body, headers = {}) {
  return new Promise((resolve, reject) => {
    const payload = JSON.stringify(body);
    const started = performance.now();
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
        response.resume();
        reject(new Error(`${url} answered ${response.statusCode}`));
        return;
      }
      let ttft;
      const chunks = [];
      response.on('data', (chunk) => {
        ttft ??= performance.now() - started;
        chunks.push(chunk);
      });
      response.on('end', () => resolve({ ttft, body: Buffer.concat(chunks).toString() }));
      response.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}

function percentile(samples, p) {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Boots a server with `env`, signs up, warms up, then runs `rounds` rounds of STREAMS streams. */
export async function measureServer({ root, upstream, env, rounds, log, label }) {
  // A connection per stream, as browsers behind a proxy mostly do; it also avoids reusing a
  // keep-alive socket the server is closing at that moment.
  const agent = new Agent({ keepAlive: false, maxSockets: Infinity });
  const dataDir = await mkdtemp(join(tmpdir(), 'atrium-bench-obs-'));
  const server = await startServer({
    // ATRIUM_BENCH_ENTRY=<path to main.js> measures another build than dist/.
    entry: process.env.ATRIUM_BENCH_ENTRY ?? join(root, 'dist/apps/api/src/main.js'),
    cwd: root,
    env: {
      DATA_DIR: dataDir,
      WEBUI_SECRET_KEY: 'atrium-bench-secret',
      NODE_ENV: 'production',
      GLOBAL_LOG_LEVEL: 'WARNING',
      OLLAMA_BASE_URLS: upstream.url,
      ENABLE_OPENAI_API: 'false',
      MODELS_CACHE_TTL: '300',
      ...env,
    },
  });
  try {
    await server.waitFor200('/health');
    const base = `http://127.0.0.1:${server.port}`;
    const signup = JSON.parse(
      (
        await postJson(agent, `${base}/api/v1/auths/signup`, {
          name: 'Bench',
          email: 'bench@example.com',
          password: 'Bench-password-1',
        })
      ).body,
    );
    const auth = { authorization: `Bearer ${signup.token}` };
    const chat = () =>
      postJson(
        agent,
        `${base}/api/chat/completions`,
        { model: 'bench:latest', stream: true, messages: [{ role: 'user', content: 'hello' }] },
        auth,
      );
    const round = () => Promise.all(Array.from({ length: STREAMS }, chat));
    await round(); // warm-up: JIT, connection pools, model cache
    const cpuBefore = cpuSeconds(server.pid);
    const ttft = [];
    let tokens = 0;
    for (let index = 0; index < rounds; index += 1) {
      for (const result of await round()) {
        ttft.push(result.ttft);
        tokens += (result.body.match(/"content":"tok\d+ "/g) ?? []).length;
      }
    }
    const cpu = cpuSeconds(server.pid) - cpuBefore;
    const perToken = (cpu / tokens) * 1e6; // CPU microseconds per relayed token
    log(
      `${label}: ${tokens} tokens, ${cpu.toFixed(2)} CPU s, ${perToken.toFixed(2)} CPU µs/token, ` +
        `TTFT p50 ${percentile(ttft, 50).toFixed(1)} ms p99 ${percentile(ttft, 99).toFixed(1)} ms`,
    );
    if (tokens !== rounds * STREAMS * TOKENS) {
      throw new Error(`${label}: relayed ${tokens} tokens, expected ${rounds * STREAMS * TOKENS}`);
    }
    return { perToken, ttft };
  } finally {
    await server.stop();
    agent.destroy();
    await rm(dataDir, { recursive: true, force: true });
  }
}

const row = (metric, unit, samples) => {
  const round = (value) => Math.round(value * 100) / 100;
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    metric,
    unit,
    median: round(
      (sorted[Math.floor((sorted.length - 1) / 2)] + sorted[Math.ceil((sorted.length - 1) / 2)]) /
        2,
    ),
    min: round(sorted[0]),
    max: round(sorted.at(-1)),
    samples: samples.map(round),
  };
};

export default {
  name: 'relay-observability',
  description: `${STREAMS} paced streams (${TOKENS} tokens at 50/s) via /api/chat/completions: CPU per relayed token and TTFT, observability off vs AUDIT_LOG_LEVEL=METADATA + OTEL traces/metrics to a loopback OTLP receiver`,
  needsBuild: true,
  async run({ root, runs = 5, log }) {
    const upstream = await startRelayUpstream({ tokens: TOKENS, delayMs: TOKEN_DELAY_MS });
    const sink = await startOtlpSink();
    const observed = {
      AUDIT_LOG_LEVEL: 'METADATA',
      ENABLE_OTEL: 'true',
      ENABLE_OTEL_TRACES: 'true',
      ENABLE_OTEL_METRICS: 'true',
      OTEL_OTLP_SPAN_EXPORTER: 'http',
      OTEL_EXPORTER_OTLP_ENDPOINT: sink.url,
      OTEL_METRICS_EXPORT_INTERVAL_MILLIS: '5000',
    };
    // Off and on alternate, and which of the two goes first alternates too, so drift on the
    // machine (and any warm-cache advantage of the second run) hits both alike. CPU time of a
    // 2-core machine shared with other work is noisy: ATRIUM_BENCH_PAIRS asks for more pairs.
    const pairs = Number(process.env.ATRIUM_BENCH_PAIRS) || Math.max(2, Math.round(runs));
    const rounds = 2;
    const off = { perToken: [], ttft50: [], ttft99: [] };
    const on = { perToken: [], ttft50: [], ttft99: [] };
    try {
      for (let pair = 0; pair < pairs; pair += 1) {
        const order = [
          ['off', {}, off],
          ['on', observed, on],
        ];
        if (pair % 2 === 1) order.reverse();
        for (const [label, env, into] of order) {
          const result = await measureServer({ root, upstream, env, rounds, log, label });
          into.perToken.push(result.perToken);
          into.ttft50.push(percentile(result.ttft, 50));
          into.ttft99.push(percentile(result.ttft, 99));
        }
      }
      if (sink.received.exports === 0) throw new Error('the OTLP receiver got no export');
      log(`OTLP receiver: ${sink.received.exports} exports, ${sink.received.bytes} bytes`);
    } finally {
      await sink.close();
      await upstream.close();
    }
    // Each pair ran back to back, so its ratio is the least disturbed by load drift on the machine.
    const overheads = on.perToken.map((value, index) => (value / off.perToken[index] - 1) * 100);
    const sorted = [...overheads].sort((a, b) => a - b);
    // Linear interpolation between the two nearest ranks (the median of an even count is the
    // mean of the middle two).
    const quantile = (q) => {
      const rank = q * (sorted.length - 1);
      const low = Math.floor(rank);
      return sorted[low] + (sorted[Math.ceil(rank)] - sorted[low]) * (rank - low);
    };
    const signed = (value) => `${value >= 0 ? '+' : ''}${value.toFixed(1)}%`;
    log(
      `CPU per relayed token with audit METADATA + OTEL: ${overheads.map(signed).join(', ')} per pair; ` +
        `median ${signed(quantile(0.5))}, interquartile ${signed(quantile(0.25))}..${signed(quantile(0.75))} (goal <= 10%)`,
    );
    return [
      row('CPU per relayed token, observability off', 'µs', off.perToken),
      row('CPU per relayed token, audit METADATA + OTEL', 'µs', on.perToken),
      row('CPU per relayed token overhead (per pair)', '%', overheads),
      row('TTFT p50, observability off', 'ms', off.ttft50),
      row('TTFT p50, audit METADATA + OTEL', 'ms', on.ttft50),
      row('TTFT p99, observability off', 'ms', off.ttft99),
      row('TTFT p99, audit METADATA + OTEL', 'ms', on.ttft99),
    ];
  },
};
