// Observability overhead on the relay: the same paced streaming load on the two relay routes of
// issue 3 (Ollama double -> /api/chat/completions, converted; OpenAI double ->
// /openai/chat/completions, passthrough) against two real server processes, one with
// observability off (the default) and one with AUDIT_LOG_LEVEL=METADATA plus OpenTelemetry
// traces and metrics exported over OTLP/HTTP to a loopback receiver, run side by side on one
// pinned core so that machine noise hits both alike. Reports server CPU seconds per relayed token
// (/proc/<pid>/stat, over the measured rounds only) and client-side TTFT p50/p99 for both, and
// the CPU overhead per pair (goal: <= 10%). With the default AUDIT_EXCLUDED_PATHS
// (/chats,/chat,/folders) Open WebUI's audit log skips /api/chat/completions; /openai/* is always
// audited, so the passthrough route pays for both the audit record and the spans.
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startRelayUpstream } from './relay-upstream.mjs';
import { startOtlpSink } from './support/otlp-sink.mjs';
import { cpuSeconds, mainThreadCpuSeconds } from './support/process-usage.mjs';
import { startBenchAtrium } from './support/server-process.mjs';
import { positiveIntegerSetting } from './support/settings.mjs';
import { percentile } from './support/stats.mjs';

const TOKENS = 64;
const TOKEN_DELAY_MS = 20; // 50 tokens/s per stream, as a real model server paces them
const STREAMS = 150;
/**
 * Rounds of every route before any is measured (ATRIUM_BENCH_WARM_UP_ROUNDS). The first ~1,000
 * requests of a process run much of the per-request code (ours and OpenTelemetry's) unoptimised
 * and compile it on the way: that one-time cost is not what a server running for hours pays per
 * token. Warming one route only and measuring it first put that transient on whichever route
 * came first (measured: the first route +9..+13%, the other +0..+5%, whichever order).
 */
const WARM_UP_ROUNDS = positiveIntegerSetting('ATRIUM_BENCH_WARM_UP_ROUNDS', 10);
/** Measured rounds per route and pair (ATRIUM_BENCH_ROUNDS). */
const MEASURED_ROUNDS = positiveIntegerSetting('ATRIUM_BENCH_ROUNDS', 5);

/**
 * Pins every thread of `pid` to `cpus` (taskset). The server gets a core of its own and this
 * process (load generator, model double, OTLP sink) the other, so the server's CPU time is not
 * inflated by sharing a core with the load it measures. ATRIUM_BENCH_PIN=0 turns it off.
 */
function pin(pid, cpus) {
  if (process.env.ATRIUM_BENCH_PIN === '0' || availableParallelism() < 2) return false;
  try {
    execFileSync('taskset', ['-a', '-p', '-c', cpus, String(pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false; // no taskset: measured unpinned
  }
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

export const ROUTES = [
  { name: 'converted', path: '/api/chat/completions', model: 'bench:latest' },
  { name: 'passthrough', path: '/openai/chat/completions', model: 'bench-gpt' },
];

/** Boots a server with `env` on its own data dir and signs up; the server is pinned to CPU 1. */
async function bootServer({ root, upstream, env }) {
  // A connection per stream, as browsers behind a proxy mostly do; it also avoids reusing a
  // keep-alive socket the server is closing at that moment.
  const agent = new Agent({ keepAlive: false, maxSockets: Infinity });
  const dataDir = await mkdtemp(join(tmpdir(), 'atrium-bench-obs-'));
  const server = await startBenchAtrium({
    root,
    dataDir,
    upstreamUrl: upstream.url,
    env: { MODELS_CACHE_TTL: '300', ...env },
  });
  const close = async () => {
    await server.stop();
    agent.destroy();
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    await server.waitFor200('/health');
    pin(server.pid, '1');
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
    return { server, agent, base, auth: { authorization: `Bearer ${signup.token}` }, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** One round: STREAMS concurrent streams to one route of one server. */
async function runRound(booted, route) {
  const chat = () =>
    postJson(
      booted.agent,
      `${booted.base}${route.path}`,
      { model: route.model, stream: true, messages: [{ role: 'user', content: 'hello' }] },
      booted.auth,
    );
  const results = await Promise.all(Array.from({ length: STREAMS }, chat));
  return {
    ttft: results.map((result) => result.ttft),
    tokens: results.reduce(
      (sum, result) => sum + (result.body.match(/"content":"tok\d+ "/g) ?? []).length,
      0,
    ),
  };
}

/**
 * One round on each server of a pair: at the same time (side by side, the default), or with
 * ATRIUM_BENCH_ALTERNATE=1 one after the other (`offFirst` says which goes first), so that the
 * two never compete for the pinned core.
 */
async function runBoth(booted, route, offFirst) {
  if (process.env.ATRIUM_BENCH_ALTERNATE !== '1') {
    const [off, on] = await Promise.all([runRound(booted.off, route), runRound(booted.on, route)]);
    return { off, on };
  }
  const results = {};
  for (const side of offFirst ? ['off', 'on'] : ['on', 'off']) {
    results[side] = await runRound(booted[side], route);
  }
  return results;
}

/**
 * One pair: a server with observability off and one with `observedEnv`, measured side by side.
 * Both get the same paced load at the same moments on the same (pinned) core, so whatever else
 * the machine does hits both alike; only the CPU each spends on the measured rounds counts.
 * Returns { off: { [route]: { perToken, ttft } }, on: … }.
 */
async function measurePair({ root, upstream, observedEnv, rounds, offFirst, log }) {
  const booted = {};
  try {
    // Which server boots first alternates from pair to pair, so that whatever the boot order
    // changes (ports, memory placement) does not lean on one side.
    for (const side of offFirst ? ['off', 'on'] : ['on', 'off']) {
      booted[side] = await bootServer({ root, upstream, env: side === 'on' ? observedEnv : {} });
    }
    // Warm-up: connection pools, model cache and the JIT, every route before any is measured.
    for (let round = 0; round < WARM_UP_ROUNDS; round += 1) {
      for (const route of ROUTES) await runBoth(booted, route, round % 2 === 0);
    }
    const results = { off: {}, on: {} };
    for (const route of ROUTES) {
      const cpuBefore = {
        off: cpuSeconds(booted.off.server.pid),
        on: cpuSeconds(booted.on.server.pid),
      };
      const mainBefore = {
        off: mainThreadCpuSeconds(booted.off.server.pid),
        on: mainThreadCpuSeconds(booted.on.server.pid),
      };
      const totals = { off: { ttft: [], tokens: 0 }, on: { ttft: [], tokens: 0 } };
      for (let index = 0; index < rounds; index += 1) {
        const { off, on } = await runBoth(booted, route, index % 2 === 0);
        for (const [side, round] of [
          ['off', off],
          ['on', on],
        ]) {
          totals[side].ttft.push(...round.ttft);
          totals[side].tokens += round.tokens;
        }
      }
      for (const side of ['off', 'on']) {
        const cpu = cpuSeconds(booted[side].server.pid) - cpuBefore[side];
        const { ttft, tokens } = totals[side];
        const perToken = (cpu / tokens) * 1e6; // CPU microseconds per relayed token
        const name = `${side} ${route.name}`;
        // The main (JavaScript) thread apart from V8's and libuv's helpers (GC, JIT, file I/O):
        // the helpers' share swings most from run to run.
        const main = mainThreadCpuSeconds(booted[side].server.pid) - mainBefore[side];
        log(
          `${name}: ${tokens} tokens, ${cpu.toFixed(2)} CPU s (main thread ${main.toFixed(2)}, ` +
            `helpers ${(cpu - main).toFixed(2)}), ${perToken.toFixed(2)} CPU µs/token, ` +
            `TTFT p50 ${percentile(ttft, 50).toFixed(1)} ms p99 ${percentile(ttft, 99).toFixed(1)} ms`,
        );
        if (tokens !== rounds * STREAMS * TOKENS) {
          throw new Error(
            `${name}: relayed ${tokens} tokens, expected ${rounds * STREAMS * TOKENS}`,
          );
        }
        results[side][route.name] = { perToken, ttft };
      }
    }
    return results;
  } finally {
    await booted.off?.close();
    await booted.on?.close();
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
  description: `${STREAMS} paced streams (${TOKENS} tokens at 50/s) via /api/chat/completions and /openai/chat/completions: CPU per relayed token and TTFT, observability off vs AUDIT_LOG_LEVEL=METADATA + OTEL traces/metrics to a loopback OTLP receiver`,
  needsBuild: true,
  async run({ root, runs = 5, log }) {
    if (pin(process.pid, '0')) log('server pinned to CPU 1, load generator and doubles to CPU 0');
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
      // ATRIUM_BENCH_OBSERVED_ENV (JSON) adds or overrides variables of the observed side, e.g.
      // '{"ENABLE_OTEL":"false","AUDIT_LOG_LEVEL":"NONE"}' for an off-vs-off run: the bench's
      // own noise and bias.
      ...JSON.parse(process.env.ATRIUM_BENCH_OBSERVED_ENV ?? '{}'),
    };
    // Each pair runs off and on side by side (measurePair). ATRIUM_BENCH_PAIRS asks for more pairs.
    const pairs = Number(process.env.ATRIUM_BENCH_PAIRS) || Math.max(2, Math.round(runs));
    const rounds = MEASURED_ROUNDS;
    const samples = () =>
      Object.fromEntries(
        ROUTES.map((route) => [route.name, { perToken: [], ttft50: [], ttft99: [] }]),
      );
    const off = samples();
    const on = samples();
    try {
      for (let pair = 0; pair < pairs; pair += 1) {
        const results = await measurePair({
          root,
          upstream,
          observedEnv: observed,
          rounds,
          offFirst: pair % 2 === 0,
          log,
        });
        for (const [side, into] of [
          ['off', off],
          ['on', on],
        ]) {
          for (const [route, result] of Object.entries(results[side])) {
            into[route].perToken.push(result.perToken);
            into[route].ttft50.push(percentile(result.ttft, 50));
            into[route].ttft99.push(percentile(result.ttft, 99));
          }
        }
      }
      if (sink.received.exports === 0 && observed.ENABLE_OTEL === 'true') {
        throw new Error('the OTLP receiver got no export');
      }
      log(`OTLP receiver: ${sink.received.exports} exports, ${sink.received.bytes} bytes`);
    } finally {
      await sink.close();
      await upstream.close();
      // Benchmarks that run after this one (and their children) get every core back.
      pin(process.pid, `0-${availableParallelism() - 1}`);
    }
    const signed = (value) => `${value >= 0 ? '+' : ''}${value.toFixed(1)}%`;
    const rows = [];
    for (const route of ROUTES) {
      const [offRoute, onRoute] = [off[route.name], on[route.name]];
      // Each pair ran back to back, so its ratio is the least disturbed by load drift on the machine.
      const overheads = onRoute.perToken.map(
        (value, index) => (value / offRoute.perToken[index] - 1) * 100,
      );
      const sorted = [...overheads].sort((a, b) => a - b);
      // Linear interpolation between the two nearest ranks (the median of an even count is the
      // mean of the middle two).
      const quantile = (q) => {
        const rank = q * (sorted.length - 1);
        const low = Math.floor(rank);
        return sorted[low] + (sorted[Math.ceil(rank)] - sorted[low]) * (rank - low);
      };
      log(
        `${route.name} ${route.path}: CPU per relayed token with audit METADATA + OTEL: ` +
          `${overheads.map(signed).join(', ')} per pair; median ${signed(quantile(0.5))}, ` +
          `interquartile ${signed(quantile(0.25))}..${signed(quantile(0.75))} (goal <= 10%)`,
      );
      const label = `${route.name} ${route.path}`;
      rows.push(
        row(`${label}: CPU per relayed token, observability off`, 'µs', offRoute.perToken),
        row(`${label}: CPU per relayed token, audit METADATA + OTEL`, 'µs', onRoute.perToken),
        row(`${label}: CPU per relayed token overhead (per pair)`, '%', overheads),
        row(`${label}: TTFT p50, observability off`, 'ms', offRoute.ttft50),
        row(`${label}: TTFT p50, audit METADATA + OTEL`, 'ms', onRoute.ttft50),
        row(`${label}: TTFT p99, observability off`, 'ms', offRoute.ttft99),
        row(`${label}: TTFT p99, audit METADATA + OTEL`, 'ms', onRoute.ttft99),
      );
    }
    return rows;
  },
};
