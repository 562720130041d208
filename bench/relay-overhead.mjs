// Relay overhead (issue 3's benchmark): the same load sent directly to a model-server double and
// through Atrium, in one run, on this machine. Three processes besides this one: the double
// (bench/support/model-double.mjs), Atrium (the built server, as in cold-start) and the load
// generator (bench/support/load-generator.mjs), so none of them steals the others' event loop.
//
// - paced: 500 concurrent streaming chats, 64 tokens at 50 tokens/s, through /api/chat/completions
//   (Ollama upstream, converted to OpenAI SSE) and /openai/chat/completions (SSE passthrough).
//   Time to first token added (p50 goal <= 5 ms, p99 <= 25 ms), Atrium CPU seconds for the run,
//   peak RSS against idle (goal <= idle + 100 MB).
// - burst: 200 concurrent streams of 256 tokens, no pacing: relayed tokens/s vs direct (>= 0.8x).
// - GET /api/models with a warm cache: requests/s (goal >= 5,000/s).
//
// ATRIUM_BENCH_ENTRY=<path to main.js> runs another build than dist/ (e.g. to compare two trees);
// ATRIUM_BENCH_NODE_FLAGS adds V8/Node flags to the server (e.g. --cpu-prof).
// ATRIUM_BENCH_WORKERS=N (N > 1) runs Atrium as a UVICORN_WORKERS=N cluster; it needs
// ATRIUM_BENCH_REDIS_URL (passed as REDIS_URL with WEBSOCKET_MANAGER=redis and a REDIS_KEY_PREFIX
// of its own). CPU and RSS are always summed over the server's process tree (primary + workers).
// ATRIUM_BENCH_SERVER_ENV='{"AUDIT_LOG_LEVEL":"METADATA",...}' adds server variables (e.g. to see
// the TTFT of the relay with observability on; with ENABLE_OTEL=true and no
// OTEL_EXPORTER_OTLP_ENDPOINT the server exports over OTLP/HTTP to a loopback sink).
// ATRIUM_BENCH_PACED_STREAMS=N holds N paced streams open instead of 500.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startLoadGenerator } from './support/load-generator.mjs';
import { startOtlpSink } from './support/otlp-sink.mjs';
import {
  BURST_TOKENS,
  PACED_DELAY_MS,
  PACED_TOKENS,
  startModelDouble,
} from './support/model-double.mjs';
import { treeCpuSeconds as cpuSeconds, watchRss } from './support/process-usage.mjs';
import { startBenchAtrium, treeRssMegabytes as rssMegabytes } from './support/server-process.mjs';
import { positiveIntegerSetting } from './support/settings.mjs';
import { percentile } from './support/stats.mjs';

/**
 * Open streams of the paced load: issue 3's 500 unless ATRIUM_BENCH_PACED_STREAMS says otherwise
 * (a lighter load shows what the relay adds where this machine's one server core is not the
 * bottleneck; the goal rows name the count).
 */
const PACED_STREAMS = positiveIntegerSetting('ATRIUM_BENCH_PACED_STREAMS', 500);
/** Warm-up rounds at PACED_STREAMS: at least 500 requests per route, whatever the stream count. */
const WARM_UP_ROUNDS = Math.ceil(500 / PACED_STREAMS);
const BURST_STREAMS = 200;
/** A paced stream lasts about this long; arrivals are spread over it to hold PACED_STREAMS open. */
const PACED_STREAM_MS = PACED_TOKENS * PACED_DELAY_MS;

/** ATRIUM_BENCH_WORKERS: the environment that makes Atrium a cluster of that many workers. */
function workersEnv() {
  const workers = positiveIntegerSetting('ATRIUM_BENCH_WORKERS', 1);
  if (workers === 1) return { workers, env: {} };
  const redisUrl = process.env.ATRIUM_BENCH_REDIS_URL;
  if (!redisUrl) throw new Error('ATRIUM_BENCH_WORKERS > 1 needs ATRIUM_BENCH_REDIS_URL');
  return {
    workers,
    env: {
      UVICORN_WORKERS: String(workers),
      REDIS_URL: redisUrl,
      WEBSOCKET_MANAGER: 'redis',
      REDIS_KEY_PREFIX: `atrium-bench-${randomBytes(6).toString('hex')}`,
    },
  };
}

const round2 = (value) => Math.round(value * 100) / 100;
/** Metric names of a cluster run say so, so they are not mistaken for single-process figures. */
const rowFor = (suffix) => (metric, unit, value) => {
  const rounded = round2(value);
  return {
    metric: metric + suffix,
    unit,
    median: rounded,
    min: rounded,
    max: rounded,
    samples: [rounded],
  };
};

function assertClean(label, result, expected) {
  if (result.errors.length > 0) throw new Error(`${label}: ${result.errors.join(', ')}`);
  if (result.ttft.length !== expected) {
    throw new Error(`${label}: ${result.ttft.length} of ${expected} streams completed`);
  }
}

async function signup(base) {
  const response = await fetch(`${base}/api/v1/auths/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Bench', email: 'bench@example.com', password: 'Bench-pass-1' }),
  });
  if (!response.ok) throw new Error(`signup answered ${response.status}`);
  return (await response.json()).token;
}

export default {
  name: 'relay-overhead',
  description:
    'paced 500 streams (TTFT added, CPU s, peak RSS), burst 200x256 tokens (tokens/s vs direct), /api/models req/s; direct vs through Atrium',
  needsBuild: true,
  async run({ root, runs = 5, log }) {
    const cluster = workersEnv();
    const row = rowFor(cluster.workers > 1 ? ` [${cluster.workers} workers]` : '');
    const rounds = Math.max(2, Math.round(runs / 2));
    const serverEnv = JSON.parse(process.env.ATRIUM_BENCH_SERVER_ENV ?? '{}');
    // OpenTelemetry on without an endpoint: export to a loopback sink that answers, as a
    // collector would (an endpoint that refuses makes the exporters retry, which costs too).
    const sink =
      serverEnv.ENABLE_OTEL === 'true' && !serverEnv.OTEL_EXPORTER_OTLP_ENDPOINT
        ? await startOtlpSink()
        : undefined;
    if (sink) {
      Object.assign(serverEnv, {
        OTEL_OTLP_SPAN_EXPORTER: 'http',
        OTEL_EXPORTER_OTLP_ENDPOINT: sink.url,
      });
    }
    const double = await startModelDouble();
    const generator = startLoadGenerator();
    const dataDir = await mkdtemp(join(tmpdir(), 'atrium-bench-'));
    const server = await startBenchAtrium({
      root,
      dataDir,
      upstreamUrl: double.url,
      env: { MODELS_CACHE_TTL: '600', ...cluster.env, ...serverEnv },
    });
    if (cluster.workers > 1) log(`Atrium runs as ${cluster.workers} workers (UVICORN_WORKERS)`);
    const rows = [];
    try {
      await server.waitFor200('/health');
      const base = `http://127.0.0.1:${server.port}`;
      const auth = { authorization: `Bearer ${await signup(base)}` };
      const messages = [{ role: 'user', content: 'hello' }];
      const routes = [
        {
          name: 'converted /api/chat/completions',
          direct: (model) => ({ url: `${double.url}/api/chat`, model: `${model}:latest` }),
          through: (model) => ({ url: `${base}/api/chat/completions`, model: `${model}:latest` }),
        },
        {
          name: 'passthrough /openai/chat/completions',
          direct: (model) => ({ url: `${double.url}/v1/chat/completions`, model: `${model}-gpt` }),
          through: (model) => ({ url: `${base}/openai/chat/completions`, model: `${model}-gpt` }),
        },
      ];
      const job = (target, extra) => ({
        kind: 'streams',
        url: target.url,
        headers: target.url.startsWith(base) ? auth : {},
        body: { model: target.model, stream: true, messages },
        ...extra,
      });

      // Warm up: model cache, JIT, and as many keep-alive connections as the paced load holds,
      // on every hop, so no phase pays (or skips) connection setup the other one does not.
      for (const route of routes) {
        for (const target of [route.direct('burst'), route.through('burst')]) {
          const warm = await generator.run(
            job(target, { concurrency: PACED_STREAMS, rounds: WARM_UP_ROUNDS }),
          );
          assertClean(`warm-up ${route.name}`, warm, PACED_STREAMS * WARM_UP_ROUNDS);
        }
      }
      await sleep(500);
      const idleRss = await rssMegabytes(server.pid);
      rows.push(row('Atrium idle RSS (after warm-up)', 'MB', idleRss));
      log(`idle RSS ${idleRss.toFixed(1)} MB`);

      // Paced.
      const paced = { concurrency: PACED_STREAMS, rounds, staggerMs: PACED_STREAM_MS };
      for (const route of routes) {
        const direct = await generator.run(job(route.direct('paced'), paced));
        assertClean(`paced direct ${route.name}`, direct, PACED_STREAMS * rounds);
        // RSS just before the load: what a previous phase left in the heap is not this phase's.
        const before = await rssMegabytes(server.pid);
        const cpuBefore = cpuSeconds(server.pid);
        const rss = watchRss(server.pid, 50, rssMegabytes);
        const through = await generator.run(job(route.through('paced'), paced));
        const peakRss = await rss.stop();
        const cpu = cpuSeconds(server.pid) - cpuBefore;
        assertClean(`paced through ${route.name}`, through, PACED_STREAMS * rounds);
        const added50 = percentile(through.ttft, 50) - percentile(direct.ttft, 50);
        const added99 = percentile(through.ttft, 99) - percentile(direct.ttft, 99);
        const label = `paced ${PACED_STREAMS} streams ${route.name}`;
        rows.push(
          row(`${label}: TTFT added p50 (goal <= 5)`, 'ms', added50),
          row(`${label}: TTFT added p99 (goal <= 25)`, 'ms', added99),
          row(`${label}: Atrium CPU for ${PACED_STREAMS * rounds} streams`, 's', cpu),
          row(`${label}: peak RSS over idle (goal <= 100)`, 'MB', peakRss - before),
        );
        log(
          `${label}: TTFT p50 direct ${percentile(direct.ttft, 50).toFixed(1)} / through ` +
            `${percentile(through.ttft, 50).toFixed(1)} ms, p99 direct ` +
            `${percentile(direct.ttft, 99).toFixed(1)} / through ${percentile(through.ttft, 99).toFixed(1)} ms; ` +
            `CPU ${cpu.toFixed(2)} s over ${(through.wallMs / 1000).toFixed(1)} s; RSS ${before.toFixed(1)} -> peak ${peakRss.toFixed(1)} MB`,
        );
      }

      // Burst.
      const burst = { concurrency: BURST_STREAMS, rounds };
      const tokensPerSecond = (result) =>
        (result.ttft.length * BURST_TOKENS) / (result.wallMs / 1000);
      for (const route of routes) {
        const direct = await generator.run(job(route.direct('burst'), burst));
        assertClean(`burst direct ${route.name}`, direct, BURST_STREAMS * rounds);
        const cpuBefore = cpuSeconds(server.pid);
        const through = await generator.run(job(route.through('burst'), burst));
        const cpu = cpuSeconds(server.pid) - cpuBefore;
        assertClean(`burst through ${route.name}`, through, BURST_STREAMS * rounds);
        const ratio = tokensPerSecond(through) / tokensPerSecond(direct);
        const label = `burst ${BURST_STREAMS}x${BURST_TOKENS} tokens ${route.name}`;
        rows.push(
          row(`${label}: direct`, 'tokens/s', tokensPerSecond(direct)),
          row(`${label}: through Atrium`, 'tokens/s', tokensPerSecond(through)),
          row(`${label}: relayed/direct (goal >= 0.8)`, 'x', ratio),
        );
        log(
          `${label}: direct ${Math.round(tokensPerSecond(direct))} tokens/s, through ` +
            `${Math.round(tokensPerSecond(through))} tokens/s (${ratio.toFixed(2)}x); Atrium CPU ${cpu.toFixed(2)} s`,
        );
      }

      // /api/models, warm cache.
      const models = await generator.run({
        kind: 'rps',
        url: `${base}/api/models`,
        headers: auth,
        concurrency: 64,
        durationMs: 1_000 * rounds,
      });
      if (models.errors.length > 0) throw new Error(`/api/models: ${models.errors.join(', ')}`);
      const rps = models.requests / (models.wallMs / 1000);
      rows.push(row('GET /api/models warm cache, 64 in flight (goal >= 5000)', 'req/s', rps));
      log(`/api/models: ${Math.round(rps)} req/s`);
    } catch (error) {
      // What the server said last is usually the reason (a crash, a refused request).
      throw new Error(`${error.message}\nAtrium output (tail):\n${server.output().slice(-2_000)}`);
    } finally {
      await server.stop();
      await generator.close();
      await double.close();
      if (sink) {
        log(`OTLP sink: ${sink.received.exports} exports, ${sink.received.bytes} bytes`);
        await sink.close();
      }
      await rm(dataDir, { recursive: true, force: true });
    }
    return rows;
  },
};
