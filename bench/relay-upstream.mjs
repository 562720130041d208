// A minimal model server for the relay benchmark: Ollama (/api/tags, /api/chat NDJSON) and
// OpenAI-compatible (/v1/models, /v1/chat/completions SSE) on one port, streaming `tokens`
// tokens `delayMs` apart. Kept dependency-free so `npm run bench` needs nothing but dist/.
import { createServer } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

const CREATED = 1767225600;

async function writeAll(response, frames, delayMs) {
  for (const frame of frames) {
    if (delayMs > 0) await sleep(delayMs);
    if (response.destroyed) return;
    if (!response.write(frame)) await new Promise((resolve) => response.once('drain', resolve));
  }
  response.end();
}

export async function startRelayUpstream({ tokens = 64, delayMs = 0 } = {}) {
  const words = Array.from({ length: tokens }, (_, index) => `tok${index} `);
  const server = createServer((request, response) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      const body = chunks.length > 0 ? JSON.parse(Buffer.concat(chunks).toString()) : {};
      const url = request.url ?? '/';
      if (url === '/api/tags') {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ models: [{ name: 'bench:latest', model: 'bench:latest' }] }));
      } else if (url === '/v1/models') {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(
          JSON.stringify({ object: 'list', data: [{ id: 'bench-gpt', object: 'model' }] }),
        );
      } else if (url === '/api/chat') {
        response.writeHead(200, { 'content-type': 'application/x-ndjson' });
        const frames = words.map(
          (word) =>
            `{"model":"${body.model}","created_at":"2026-01-01T00:00:00Z","message":{"role":"assistant","content":"${word}"},"done":false}\n`,
        );
        frames.push(
          `{"model":"${body.model}","created_at":"2026-01-01T00:00:00Z","message":{"role":"assistant","content":""},"done":true,"done_reason":"stop","prompt_eval_count":8,"eval_count":${tokens},"eval_duration":1000000000,"total_duration":1000000000}\n`,
        );
        void writeAll(response, frames, delayMs);
      } else if (url === '/v1/chat/completions') {
        response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8' });
        const frames = words.map(
          (word) =>
            `data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":${CREATED},"model":"${body.model}","choices":[{"index":0,"delta":{"content":"${word}"},"finish_reason":null}]}\n\n`,
        );
        frames.push(
          `data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":${CREATED},"model":"${body.model}","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\n`,
          'data: [DONE]\n\n',
        );
        void writeAll(response, frames, delayMs);
      } else {
        response.writeHead(404).end();
      }
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
