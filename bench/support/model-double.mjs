// Model-server double for the relay benchmark, meant to run in its own process (see
// startModelDouble). Ollama (/api/tags, /api/chat NDJSON) and OpenAI-compatible (/v1/models,
// /v1/chat/completions SSE) on one port. How a stream is paced is chosen by the model name, so
// the same request works direct and through Atrium:
//   paced:latest / paced-gpt -> PACED_TOKENS tokens, one every PACED_DELAY_MS
//   burst:latest / burst-gpt -> BURST_TOKENS tokens, written as fast as the socket takes them
// Dependency-free; frames are pre-built once so the double spends its CPU on the socket only.
import { fork } from 'node:child_process';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';

export const PACED_TOKENS = 64;
export const PACED_DELAY_MS = 20; // 50 tokens/s
export const BURST_TOKENS = 256;

const CREATED = 1767225600;

function ollamaFrames(model, tokens) {
  const frames = [];
  for (let index = 0; index < tokens; index += 1) {
    frames.push(
      `{"model":"${model}","created_at":"2026-01-01T00:00:00Z","message":{"role":"assistant","content":"tok${index} "},"done":false}\n`,
    );
  }
  frames.push(
    `{"model":"${model}","created_at":"2026-01-01T00:00:00Z","message":{"role":"assistant","content":""},"done":true,"done_reason":"stop","total_duration":1000000000,"load_duration":1000000,"prompt_eval_count":8,"prompt_eval_duration":1000000,"eval_count":${tokens},"eval_duration":1000000000}\n`,
  );
  return frames;
}

function openAIFrames(model, tokens) {
  const frames = [];
  for (let index = 0; index < tokens; index += 1) {
    frames.push(
      `data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":${CREATED},"model":"${model}","choices":[{"index":0,"delta":{"content":"tok${index} "},"finish_reason":null}]}\n\n`,
    );
  }
  frames.push(
    `data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":${CREATED},"model":"${model}","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\n`,
    `data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":${CREATED},"model":"${model}","choices":[],"usage":{"prompt_tokens":8,"completion_tokens":${tokens},"total_tokens":${tokens + 8}}}\n\n`,
    'data: [DONE]\n\n',
  );
  return frames;
}

const paced = (frames) => ({ frames, delayMs: PACED_DELAY_MS, tokens: PACED_TOKENS });
const burst = (frames) => ({ frames, delayMs: 0, tokens: BURST_TOKENS });

const STREAMS = {
  'paced:latest': paced(ollamaFrames('paced:latest', PACED_TOKENS)),
  'burst:latest': burst(ollamaFrames('burst:latest', BURST_TOKENS)),
  'paced-gpt': paced(openAIFrames('paced-gpt', PACED_TOKENS)),
  'burst-gpt': burst(openAIFrames('burst-gpt', BURST_TOKENS)),
};

/** Paced: one frame per tick. Burst: everything at once, as far as the socket takes it. */
function writeFrames(response, { frames, delayMs, tokens }) {
  let next = 0;
  if (delayMs === 0) {
    const pump = () => {
      while (next < frames.length) {
        if (!response.write(frames[next++])) {
          response.once('drain', pump);
          return;
        }
      }
      response.end();
    };
    pump();
    return;
  }
  const timer = setInterval(() => {
    if (response.destroyed) {
      clearInterval(timer);
      return;
    }
    response.write(frames[next++]);
    // The last token and the closing frame(s) go together, as a real server flushes them.
    if (next >= tokens) {
      clearInterval(timer);
      while (next < frames.length) response.write(frames[next++]);
      response.end();
    }
  }, delayMs);
}

export function createModelDouble() {
  return createServer((request, response) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      const url = request.url ?? '/';
      if (url === '/api/tags') {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(
          JSON.stringify({
            models: ['paced:latest', 'burst:latest'].map((name) => ({ name, model: name })),
          }),
        );
        return;
      }
      if (url === '/v1/models') {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(
          JSON.stringify({
            object: 'list',
            data: ['paced-gpt', 'burst-gpt'].map((id) => ({ id, object: 'model' })),
          }),
        );
        return;
      }
      if (url !== '/api/chat' && url !== '/v1/chat/completions') {
        response.writeHead(404).end();
        return;
      }
      const body = JSON.parse(Buffer.concat(chunks).toString());
      const stream = STREAMS[body.model];
      if (!stream) {
        response.writeHead(404, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ error: `model '${body.model}' not found` }));
        return;
      }
      response.writeHead(200, {
        'content-type':
          url === '/api/chat' ? 'application/x-ndjson' : 'text/event-stream; charset=utf-8',
      });
      writeFrames(response, stream);
    });
  });
}

/** Forks this file as a child process; resolves to { url, pid, close() }. */
export function startModelDouble() {
  const child = fork(fileURLToPath(import.meta.url), ['--serve'], { stdio: 'inherit' });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`model double exited (${code})`)));
    child.once('message', ({ port }) => {
      child.removeAllListeners('exit');
      resolve({
        url: `http://127.0.0.1:${port}`,
        pid: child.pid,
        close: () =>
          new Promise((done) => {
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    });
  });
}

if (process.argv.includes('--serve')) {
  const server = createModelDouble();
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => process.send?.({ port: server.address().port }));
  process.on('SIGTERM', () => {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  });
}
