// HTTP load generator for the relay benchmark, run in its own process so that its CPU is not
// Atrium's nor the double's (startLoadGenerator). The same generator measures the direct and the
// relayed load. node:http keep-alive agent with an unbounded pool (the undici package is not a
// dependency; node:http costs less CPU per chunk than fetch's web streams).
//
// Jobs (one at a time, over IPC):
//   { kind: 'streams', url, headers, body, concurrency, rounds, staggerMs }
//      `concurrency` clients each send `rounds` streaming POSTs back to back; client i starts
//      after a uniform offset in [0, staggerMs) so arrivals are spread, not a single herd.
//      -> { ttft: number[] (ms, first body byte), total: number[], bytes, chunks, wallMs, errors }
//   { kind: 'rps', url, headers, concurrency, durationMs } -> { requests, wallMs, errors }
import { fork } from 'node:child_process';
import { Agent, request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

const agent = new Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: 4096 });

/**
 * A keep-alive socket the server closed while idle can fail the next request before any
 * answer (ECONNRESET, socket hang up): retried, as HTTP clients do for a reused socket.
 */
async function post(url, headers, payload) {
  let result = await postOnce(url, headers, payload);
  // Many idle sockets can expire at once: the next pick may be stale too.
  for (let attempt = 1; result.retry && attempt < 5; attempt += 1) {
    result = await postOnce(url, headers, payload);
  }
  return result;
}

function postOnce(url, headers, payload) {
  return new Promise((resolve) => {
    const started = performance.now();
    const req = request(url, {
      method: 'POST',
      agent,
      headers: { ...headers, 'content-length': payload.length },
    });
    let answered = false;
    req.on('response', (response) => {
      answered = true;
      if (response.statusCode !== 200) {
        response.resume();
        resolve({ error: `HTTP ${response.statusCode}` });
        return;
      }
      let ttft;
      let bytes = 0;
      let chunks = 0;
      response.on('data', (chunk) => {
        ttft ??= performance.now() - started;
        bytes += chunk.length;
        chunks += 1;
      });
      response.on('end', () =>
        resolve({ ttft, total: performance.now() - started, bytes, chunks }),
      );
      response.on('error', (error) => resolve({ error: error.message }));
    });
    req.on('error', (error) =>
      resolve({ error: error.message, retry: req.reusedSocket && !answered }),
    );
    req.end(payload);
  });
}

async function get(url, headers) {
  const first = await getOnce(url, headers);
  return first === 'retry' ? (await getOnce(url, headers)) || 0 : first;
}

function getOnce(url, headers) {
  return new Promise((resolve) => {
    const req = request(url, { agent, headers }, (response) => {
      response.on('data', () => {});
      response.on('end', () => resolve(response.statusCode));
      response.on('error', () => resolve(0));
    });
    req.on('error', () => resolve(req.reusedSocket ? 'retry' : 0));
    req.end();
  });
}

async function streams({ url, headers, body, concurrency, rounds, staggerMs = 0 }) {
  const payload = Buffer.from(JSON.stringify(body));
  const allHeaders = { 'content-type': 'application/json', ...headers };
  const result = { ttft: [], total: [], bytes: 0, chunks: 0, errors: [] };
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, client) => {
      if (staggerMs > 0) {
        // Deterministic spread (no RNG) so direct and relayed runs get the same arrivals.
        await new Promise((resolve) => setTimeout(resolve, (client * staggerMs) / concurrency));
      }
      for (let round = 0; round < rounds; round += 1) {
        const one = await post(url, allHeaders, payload);
        if (one.error) {
          result.errors.push(one.error);
          continue;
        }
        result.ttft.push(one.ttft);
        result.total.push(one.total);
        result.bytes += one.bytes;
        result.chunks += one.chunks;
      }
    }),
  );
  result.wallMs = performance.now() - started;
  result.errors = [...new Set(result.errors)].map(
    (error) => `${error} x${result.errors.filter((e) => e === error).length}`,
  );
  return result;
}

async function rps({ url, headers, concurrency, durationMs }) {
  let requests = 0;
  const errors = new Set();
  const started = performance.now();
  const deadline = started + durationMs;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        const status = await get(url, headers);
        if (status === 200) requests += 1;
        else errors.add(`HTTP ${status}`);
      }
    }),
  );
  return { requests, wallMs: performance.now() - started, errors: [...errors] };
}

/** Forks the generator; `run(job)` resolves with the job's result. */
export function startLoadGenerator() {
  const child = fork(fileURLToPath(import.meta.url), ['--serve'], { stdio: 'inherit' });
  let pending;
  child.on('message', (message) => {
    const current = pending;
    pending = undefined;
    if (message.error) current?.reject(new Error(message.error));
    else current?.resolve(message.result);
  });
  child.on('exit', (code) => pending?.reject(new Error(`load generator exited (${code})`)));
  return {
    pid: child.pid,
    run(job) {
      if (pending) throw new Error('one job at a time');
      return new Promise((resolve, reject) => {
        pending = { resolve, reject };
        child.send(job);
      });
    },
    close: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

if (process.argv.includes('--serve')) {
  process.on('message', async (job) => {
    try {
      const result = job.kind === 'streams' ? await streams(job) : await rps(job);
      process.send({ result });
    } catch (error) {
      process.send({ error: error instanceof Error ? error.message : String(error) });
    }
  });
}
