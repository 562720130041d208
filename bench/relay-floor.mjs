// Relay floor: what issue 3's relay load costs through the thinnest Node proxies on this machine,
// with no Atrium build, so the relay-overhead figures can be read against a physical floor.
// Same double, same load generator and same loads as relay-overhead.mjs (imported, not copied):
// paced 500 streams x 64 tokens at 50 tokens/s, burst 200 x 256 tokens, GET JSON req/s (64 in
// flight). Targets, each in its own process so its CPU is measured alone (/proc):
//   direct        the double itself (GET: its /api/tags)
//   node-http     node:http server + keep-alive http.Agent upstream, pipe / line-split transform
//   undici        the same server, undici Pool.request() upstream
//   express       Express 5 (express.json(), etag off) around node-http's upstream code
//   nest          bare Nest 12 app (platform-express, default body parser), one controller, @Res()
//   node-http-x2  node-http under node:cluster with 2 workers (round-robin via the primary)
// Every proxy does the work Atrium cannot skip: read + JSON.parse the body, verify an HS256
// bearer token, rebuild the upstream body (Ollama conversion), and for /api/chat/completions
// convert Ollama NDJSON to OpenAI chat.completion.chunk SSE (line splitting, JSON.parse +
// JSON.stringify per token); GET /api/models serialises a cached model list per request.
// RELAY_FLOOR_TARGETS=node-http,nest limits the proxies measured.
import { fork } from 'node:child_process';
import cluster from 'node:cluster';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { loadavg } from 'node:os';
import { Agent, createServer, request as httpRequest } from 'node:http';
import { StringDecoder } from 'node:string_decoder';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { startLoadGenerator } from './support/load-generator.mjs';
import {
  BURST_TOKENS,
  PACED_DELAY_MS,
  PACED_TOKENS,
  startModelDouble,
} from './support/model-double.mjs';
import { cpuSeconds } from './support/process-usage.mjs';
import { percentile, summarize } from './support/stats.mjs';

const PACED_STREAMS = 500;
const BURST_STREAMS = 200;
const GET_CONCURRENCY = 64;
const GET_MS = 2_000;
const STREAM_ROUNDS = 2; // as relay-overhead with its default --runs 5
const SECRET = 'relay-floor-secret';
const ALL_TARGETS = ['node-http', 'undici', 'express', 'nest', 'node-http-x2'];
const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  'x-accel-buffering': 'no',
};

// ---------------------------------------------------------------- proxy side (child process)

function signToken(payload) {
  const encode = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(payload)}`;
  return `${unsigned}.${createHmac('sha256', SECRET).update(unsigned).digest('base64url')}`;
}

/** HS256 bearer check, what any fast path must keep (Atrium also loads the user; not here). */
function authorized(header) {
  if (typeof header !== 'string' || !header.startsWith('Bearer ')) return false;
  const token = header.slice(7);
  const dot = token.lastIndexOf('.');
  if (dot < 0) return false;
  const expected = createHmac('sha256', SECRET).update(token.slice(0, dot)).digest();
  const given = Buffer.from(token.slice(dot + 1), 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return false;
  const payload = JSON.parse(Buffer.from(token.slice(token.indexOf('.') + 1, dot), 'base64url'));
  return typeof payload.id === 'string';
}

/** Ollama NDJSON chunks -> OpenAI SSE text; lines may span chunks. */
function ndjsonToSse(model) {
  const decoder = new StringDecoder('utf8');
  const id = `chatcmpl-${Math.random().toString(36).slice(2)}`;
  const created = Math.floor(Date.now() / 1000);
  let pending = '';
  const frame = (delta, finish, usage) => {
    const chunk = {
      id,
      object: 'chat.completion.chunk',
      created,
      model,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    };
    if (usage) chunk.usage = usage;
    return `data: ${JSON.stringify(chunk)}\n\n`;
  };
  const line = (text) => {
    if (text.length === 0) return '';
    const data = JSON.parse(text);
    if (!data.done) return frame({ content: data.message?.content ?? '' }, null);
    const usage = {
      prompt_tokens: data.prompt_eval_count ?? 0,
      completion_tokens: data.eval_count ?? 0,
      total_tokens: (data.prompt_eval_count ?? 0) + (data.eval_count ?? 0),
    };
    return `${frame({}, data.done_reason ?? 'stop', usage)}data: [DONE]\n\n`;
  };
  return {
    push(chunk) {
      const lines = (pending + decoder.write(chunk)).split('\n');
      pending = lines.pop();
      let out = '';
      for (const text of lines) out += line(text);
      return out;
    },
    end: () => line(pending + decoder.end()),
  };
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString())));
    req.on('error', reject);
  });
}

function upstreamBody(route, body) {
  if (route === 'convert') {
    return JSON.stringify({ model: body.model, messages: body.messages, stream: true });
  }
  return JSON.stringify(body);
}

/** Relays an upstream Readable to the client response (pipe, or convert with backpressure). */
function relayStream(route, model, upstream, res, abort) {
  res.on('close', () => {
    if (!res.writableFinished) abort();
  });
  res.writeHead(200, SSE_HEADERS);
  res.flushHeaders?.();
  if (route === 'passthrough') {
    upstream.pipe(res);
    return;
  }
  const converter = ndjsonToSse(model);
  upstream.on('data', (chunk) => {
    const out = converter.push(chunk);
    if (out.length > 0 && !res.write(out)) {
      upstream.pause();
      res.once('drain', () => upstream.resume());
    }
  });
  upstream.on('end', () => res.end(converter.end()));
  upstream.on('error', () => res.destroy());
}

function fail(res, status, detail) {
  if (res.headersSent) return res.destroy();
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ detail }));
}

function nodeHttpUpstream(base) {
  const url = new URL(base);
  const agent = new Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: 4096 });
  return (route, body, res) => {
    const payload = upstreamBody(route, body);
    const upstreamReq = httpRequest({
      host: url.hostname,
      port: url.port,
      method: 'POST',
      path: route === 'convert' ? '/api/chat' : '/v1/chat/completions',
      agent,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
    });
    upstreamReq.on('response', (upstream) => {
      if (upstream.statusCode !== 200) {
        upstream.resume();
        return fail(res, upstream.statusCode, 'upstream error');
      }
      relayStream(route, body.model, upstream, res, () => upstreamReq.destroy());
    });
    upstreamReq.on('error', () => fail(res, 502, 'upstream unreachable'));
    upstreamReq.end(payload);
  };
}

async function undiciUpstream(base) {
  const { Pool } = await import('undici');
  const pool = new Pool(base, { connections: null, keepAliveTimeout: 60_000 });
  return (route, body, res) => {
    const controller = new AbortController();
    pool
      .request({
        method: 'POST',
        path: route === 'convert' ? '/api/chat' : '/v1/chat/completions',
        headers: { 'content-type': 'application/json' },
        body: upstreamBody(route, body),
        signal: controller.signal,
      })
      .then(({ statusCode, body: upstream }) => {
        if (statusCode !== 200) {
          upstream.resume();
          return fail(res, statusCode, 'upstream error');
        }
        relayStream(route, body.model, upstream, res, () => controller.abort());
      })
      .catch(() => fail(res, 502, 'upstream unreachable'));
  };
}

async function fetchJson(url) {
  const response = await fetch(url);
  return response.json();
}

/** The cached model list GET /api/models answers (built once from the double, as a warm cache). */
async function modelList(base) {
  const [tags, openai] = await Promise.all([
    fetchJson(`${base}/api/tags`),
    fetchJson(`${base}/v1/models`),
  ]);
  const now = Math.floor(Date.now() / 1000);
  const data = [
    ...tags.models.map((m) => ({
      id: m.model,
      name: m.name,
      object: 'model',
      created: now,
      owned_by: 'ollama',
      ollama: m,
      connection_type: 'local',
      tags: [],
      urls: [0],
    })),
    ...openai.data.map((m) => ({
      id: m.id,
      name: m.id,
      object: 'model',
      created: now,
      owned_by: 'openai',
      openai: m,
      connection_type: 'external',
      tags: [],
      urlIdx: 0,
    })),
  ];
  return { data };
}

const ROUTES = { '/api/chat/completions': 'convert', '/openai/chat/completions': 'passthrough' };

async function startNodeHttp(base, kind) {
  const relay = kind === 'undici' ? await undiciUpstream(base) : nodeHttpUpstream(base);
  const models = await modelList(base);
  const server = createServer((req, res) => {
    if (!authorized(req.headers.authorization)) return fail(res, 401, 'Not authenticated');
    if (req.method === 'GET' && req.url === '/api/models') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify(models));
    }
    const route = req.method === 'POST' ? ROUTES[req.url] : undefined;
    if (!route) return fail(res, 404, 'Not Found');
    readBody(req).then(
      (body) => relay(route, body, res),
      () => fail(res, 422, 'bad body'),
    );
  });
  return server;
}

async function startExpress(base) {
  const { default: express } = await import('express');
  const relay = nodeHttpUpstream(base);
  const models = await modelList(base);
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(express.json());
  app.use((req, res, next) =>
    authorized(req.headers.authorization) ? next() : fail(res, 401, 'Not authenticated'),
  );
  app.get('/api/models', (_req, res) => res.json(models));
  for (const [path, route] of Object.entries(ROUTES)) {
    app.post(path, (req, res) => relay(route, req.body, res));
  }
  return app.listen(0, '127.0.0.1');
}

async function startNest(base) {
  await import('reflect-metadata');
  const common = await import('@nestjs/common');
  const { NestFactory } = await import('@nestjs/core');
  const relay = nodeHttpUpstream(base);
  const models = await modelList(base);
  // Decorators applied by hand: this file is plain JavaScript.
  class RelayController {
    convert(req, res) {
      if (!authorized(req.headers.authorization)) return fail(res, 401, 'Not authenticated');
      relay('convert', req.body, res);
    }
    passthrough(req, res) {
      if (!authorized(req.headers.authorization)) return fail(res, 401, 'Not authenticated');
      relay('passthrough', req.body, res);
    }
    models(req) {
      if (!authorized(req.headers.authorization)) {
        throw new common.UnauthorizedException('Not authenticated');
      }
      return models;
    }
  }
  const proto = RelayController.prototype;
  const method = (decorator, key) =>
    decorator(proto, key, Object.getOwnPropertyDescriptor(proto, key));
  for (const key of ['convert', 'passthrough']) {
    common.Req()(proto, key, 0);
    common.Res()(proto, key, 1);
  }
  common.Req()(proto, 'models', 0);
  method(common.Post('api/chat/completions'), 'convert');
  method(common.Post('openai/chat/completions'), 'passthrough');
  method(common.Get('api/models'), 'models');
  common.Controller()(RelayController);
  class RelayModule {}
  common.Module({ controllers: [RelayController] })(RelayModule);
  const app = await NestFactory.create(RelayModule, { logger: false });
  app.getHttpAdapter().getInstance().set('etag', false);
  await app.listen(0, '127.0.0.1');
  return app.getHttpServer();
}

async function serveProxy(kind, base) {
  if (kind === 'node-http-x2' && cluster.isPrimary) {
    const workers = [cluster.fork(), cluster.fork()];
    const ports = await Promise.all(
      workers.map((worker) => new Promise((resolve) => worker.once('message', resolve))),
    );
    process.send({
      port: ports[0].port,
      pids: [process.pid, ...workers.map((w) => w.process.pid)],
    });
    process.on('SIGTERM', () => {
      for (const worker of workers) worker.kill('SIGTERM');
      process.exit(0);
    });
    return;
  }
  const server =
    kind === 'express'
      ? await startExpress(base)
      : kind === 'nest'
        ? await startNest(base)
        : await startNodeHttp(base, kind);
  server.keepAliveTimeout = 60_000;
  if (!server.listening) server.listen(0, '127.0.0.1');
  if (!server.listening) await new Promise((resolve) => server.once('listening', resolve));
  process.send({ port: server.address().port, pids: [process.pid] });
  process.on('SIGTERM', () => process.exit(0));
}

/** Forks this file as one proxy; resolves to { url, pids, close() }. */
function startProxy(kind, upstream) {
  const child = fork(fileURLToPath(import.meta.url), ['--relay-floor-proxy', kind, upstream], {
    stdio: 'inherit',
    execArgv: ['--max-semi-space-size=4'], // as SERVER_NODE_FLAGS
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`${kind} proxy exited (${code})`)));
    child.once('message', ({ port, pids }) => {
      child.removeAllListeners('exit');
      resolve({
        kind,
        url: `http://127.0.0.1:${port}`,
        pids,
        cpu: () => pids.reduce((sum, pid) => sum + cpuSeconds(pid), 0),
        close: () =>
          new Promise((done) => {
            if (child.exitCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    });
  });
}

if (process.argv.includes('--relay-floor-proxy')) {
  const at = process.argv.indexOf('--relay-floor-proxy');
  await serveProxy(process.argv[at + 1], process.argv[at + 2]);
}

// ---------------------------------------------------------------- driver

function assertClean(label, result, expected) {
  if (result.errors.length > 0) throw new Error(`${label}: ${result.errors.join(', ')}`);
  if (result.ttft.length !== expected) {
    throw new Error(`${label}: ${result.ttft.length} of ${expected} streams completed`);
  }
}

export default {
  name: 'relay-floor',
  description:
    'physical floor for issue 3: paced/burst/GET through bare node:http, undici, Express 5, Nest 12 and a 2-worker cluster proxy vs direct (no Atrium build)',
  needsBuild: false,
  async run({ runs = 3, log }) {
    const targets = (process.env.RELAY_FLOOR_TARGETS?.split(',') ?? ALL_TARGETS).filter((t) =>
      ALL_TARGETS.includes(t),
    );
    const double = await startModelDouble();
    const generator = startLoadGenerator();
    const proxies = [];
    const samples = new Map();
    const add = (metric, unit, value) => {
      if (!samples.has(metric)) samples.set(metric, { unit, values: [] });
      samples.get(metric).values.push(value);
    };
    const auth = { authorization: `Bearer ${signToken({ id: 'bench-user' })}` };
    const routes = [
      { name: 'convert', direct: '/api/chat', through: '/api/chat/completions', suffix: ':latest' },
      {
        name: 'passthrough',
        direct: '/v1/chat/completions',
        through: '/openai/chat/completions',
        suffix: '-gpt',
      },
    ];
    const job = (base, path, model, extra) => ({
      kind: 'streams',
      url: `${base}${path}`,
      headers: auth,
      body: { model, stream: true, messages: [{ role: 'user', content: 'hello' }] },
      ...extra,
    });
    // The double's and the generator's CPU: what the load itself costs on the same 2 cores.
    const loadCpu = () => cpuSeconds(double.pid) + cpuSeconds(generator.pid);
    try {
      for (const kind of targets) proxies.push(await startProxy(kind, double.url));
      const all = [
        { kind: 'direct', url: double.url, cpu: () => cpuSeconds(double.pid) },
        ...proxies,
      ];
      // Warm-up: JIT and as many keep-alive sockets as the paced load holds, on every hop.
      for (const target of all) {
        for (const route of routes) {
          const path = target.kind === 'direct' ? route.direct : route.through;
          const warm = await generator.run(
            job(target.url, path, `burst${route.suffix}`, {
              concurrency: PACED_STREAMS,
              rounds: 1,
            }),
          );
          assertClean(`warm-up ${target.kind} ${route.name}`, warm, PACED_STREAMS);
        }
      }
      const pacedStreams = PACED_STREAMS * STREAM_ROUNDS;
      const burstTokens = BURST_STREAMS * STREAM_ROUNDS * BURST_TOKENS;
      for (let repetition = 1; repetition <= runs; repetition += 1) {
        // Other work on the machine skews everything; the 1-minute load says how much.
        log(
          `#${repetition} load average ${loadavg()
            .map((l) => l.toFixed(2))
            .join(' ')}`,
        );
        for (const route of routes) {
          // Paced: direct first, then every proxy, so each is compared with a fresh direct run.
          const paced = {
            concurrency: PACED_STREAMS,
            rounds: STREAM_ROUNDS,
            staggerMs: PACED_TOKENS * PACED_DELAY_MS,
          };
          const loadBefore = loadCpu();
          const direct = await generator.run(
            job(double.url, route.direct, `paced${route.suffix}`, paced),
          );
          add(
            `paced ${route.name}: double + generator CPU for ${pacedStreams} streams (direct)`,
            's',
            loadCpu() - loadBefore,
          );
          assertClean(`paced direct ${route.name}`, direct, pacedStreams);
          const d50 = percentile(direct.ttft, 50);
          const d99 = percentile(direct.ttft, 99);
          add(`paced ${route.name}: direct TTFT p50`, 'ms', d50);
          add(`paced ${route.name}: direct TTFT p99`, 'ms', d99);
          for (const proxy of proxies) {
            const before = proxy.cpu();
            const through = await generator.run(
              job(proxy.url, route.through, `paced${route.suffix}`, paced),
            );
            const cpu = proxy.cpu() - before;
            assertClean(`paced ${proxy.kind} ${route.name}`, through, pacedStreams);
            const a50 = percentile(through.ttft, 50) - d50;
            const a99 = percentile(through.ttft, 99) - d99;
            add(`paced ${route.name} ${proxy.kind}: TTFT added p50 (goal <= 5)`, 'ms', a50);
            add(`paced ${route.name} ${proxy.kind}: TTFT added p99 (goal <= 25)`, 'ms', a99);
            add(
              `paced ${route.name} ${proxy.kind}: proxy CPU for ${pacedStreams} streams`,
              's',
              cpu,
            );
            log(
              `#${repetition} paced ${route.name} ${proxy.kind}: +${a50.toFixed(1)} / +${a99.toFixed(1)} ms (direct ${d50.toFixed(1)} / ${d99.toFixed(1)}), CPU ${cpu.toFixed(2)} s`,
            );
          }
          // Burst.
          const burst = { concurrency: BURST_STREAMS, rounds: STREAM_ROUNDS };
          const rate = (result) => burstTokens / (result.wallMs / 1000);
          const doubleBefore = cpuSeconds(double.pid);
          const generatorBefore = cpuSeconds(generator.pid);
          const directBurst = await generator.run(
            job(double.url, route.direct, `burst${route.suffix}`, burst),
          );
          // Direct, each of the two has a core; relayed, three processes share two.
          const perToken = (seconds) => (seconds / burstTokens) * 1e6;
          add(
            `burst ${route.name}: double CPU per token (direct)`,
            'us',
            perToken(cpuSeconds(double.pid) - doubleBefore),
          );
          add(
            `burst ${route.name}: generator CPU per token (direct)`,
            'us',
            perToken(cpuSeconds(generator.pid) - generatorBefore),
          );
          assertClean(`burst direct ${route.name}`, directBurst, BURST_STREAMS * STREAM_ROUNDS);
          add(`burst ${route.name}: direct`, 'tokens/s', rate(directBurst));
          for (const proxy of proxies) {
            const before = proxy.cpu();
            const through = await generator.run(
              job(proxy.url, route.through, `burst${route.suffix}`, burst),
            );
            const cpu = proxy.cpu() - before;
            assertClean(
              `burst ${proxy.kind} ${route.name}`,
              through,
              BURST_STREAMS * STREAM_ROUNDS,
            );
            const ratio = rate(through) / rate(directBurst);
            add(`burst ${route.name} ${proxy.kind}: relayed/direct (goal >= 0.8)`, 'x', ratio);
            add(
              `burst ${route.name} ${proxy.kind}: proxy CPU per token`,
              'us',
              (cpu / burstTokens) * 1e6,
            );
            log(
              `#${repetition} burst ${route.name} ${proxy.kind}: ${Math.round(rate(through))} vs direct ${Math.round(rate(directBurst))} tokens/s = ${ratio.toFixed(2)}x, CPU ${cpu.toFixed(2)} s`,
            );
          }
        }
        // GET JSON.
        for (const target of all) {
          const url =
            target.kind === 'direct' ? `${double.url}/api/tags` : `${target.url}/api/models`;
          const before = target.cpu();
          const generatorBefore = cpuSeconds(generator.pid);
          const result = await generator.run({
            kind: 'rps',
            url,
            headers: auth,
            concurrency: GET_CONCURRENCY,
            durationMs: GET_MS,
          });
          const cpu = target.cpu() - before;
          const generatorCpu = cpuSeconds(generator.pid) - generatorBefore;
          if (result.errors.length > 0) throw new Error(`GET ${target.kind}: ${result.errors}`);
          const rps = result.requests / (result.wallMs / 1000);
          add(
            `GET ${target.kind}: req/s, ${GET_CONCURRENCY} in flight (goal >= 5000)`,
            'req/s',
            rps,
          );
          add(`GET ${target.kind}: server CPU per request`, 'us', (cpu / result.requests) * 1e6);
          add(
            `GET ${target.kind}: generator CPU per request`,
            'us',
            (generatorCpu / result.requests) * 1e6,
          );
          log(
            `#${repetition} GET ${target.kind}: ${Math.round(rps)} req/s, CPU ${cpu.toFixed(2)} s`,
          );
        }
        await sleep(200);
      }
    } finally {
      await Promise.all(proxies.map((proxy) => proxy.close()));
      await generator.close();
      await double.close();
    }
    return [...samples].map(([metric, { unit, values }]) => ({
      metric,
      unit,
      ...summarize(values),
    }));
  },
};
