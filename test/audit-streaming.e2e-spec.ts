import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLogWriter } from '@atrium/observability';
import { bootApp, type BootedApp } from './harness/boot-app.js';
import { signup, type Account } from './auth-fixtures.js';

/**
 * A 50 MB streamed completion relayed through /ollama with AUDIT_LOG_LEVEL=REQUEST_RESPONSE:
 * the client gets every byte, the audit record keeps only the first MAX_BODY_LOG_SIZE bytes,
 * and memory stays flat (the stream is never buffered for auditing).
 */
const LINE = `${JSON.stringify({ model: 'big:latest', message: { role: 'assistant', content: 'x'.repeat(1000) }, done: false })}\n`;
const TOTAL_BYTES = 50 * 1024 * 1024;
const LINES = Math.ceil(TOTAL_BYTES / LINE.length);
const LAST = `${JSON.stringify({ model: 'big:latest', done: true })}\n`;

function startBigOllama(): Promise<{ url: string; server: Server }> {
  const server = createServer((request, response) => {
    if (request.url?.startsWith('/api/tags')) {
      response.writeHead(200, { 'Content-Type': 'application/json' });
      response.end(JSON.stringify({ models: [{ name: 'big:latest', model: 'big:latest' }] }));
      return;
    }
    if (request.url?.startsWith('/api/version')) {
      response.writeHead(200, { 'Content-Type': 'application/json' }).end('{"version":"0.1.0"}');
      return;
    }
    request.resume();
    response.writeHead(200, { 'Content-Type': 'application/x-ndjson' });
    let sent = 0;
    const pump = () => {
      while (sent < LINES) {
        sent += 1;
        if (!response.write(LINE)) return void response.once('drain', pump);
      }
      response.end(LAST);
    };
    pump();
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server }),
    ),
  );
}

describe('auditing a 50 MB stream', () => {
  let upstream: { url: string; server: Server };
  let booted: BootedApp;
  let admin: Account;

  beforeAll(async () => {
    upstream = await startBigOllama();
    booted = await bootApp({
      listen: true,
      env: {
        AUDIT_LOG_LEVEL: 'REQUEST_RESPONSE',
        OLLAMA_BASE_URLS: upstream.url,
        ENABLE_OPENAI_API: 'false',
      },
    });
    admin = await signup(booted.http, 'admin@example.com');
  });
  afterAll(async () => {
    await booted?.close();
    await new Promise((resolve) => upstream?.server.close(resolve));
  });

  const chat = () =>
    fetch(`${booted.url}/ollama/api/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${admin.token}` },
      body: JSON.stringify({ model: 'big:latest', messages: [{ role: 'user', content: 'hi' }] }),
    });

  it('passes every byte through, records the first 2048 and keeps memory flat', async () => {
    // One warm-up stream first: the first run pays for JIT and pool allocations, not auditing.
    for await (const chunk of (await chat()).body!) void chunk;
    const rssBefore = process.memoryUsage().rss;
    let rssPeak = rssBefore;
    const sampler = setInterval(() => {
      rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
    }, 20);
    const response = await chat();
    expect(response.status).toBe(200);
    let received = 0;
    let head = '';
    let tail = '';
    const decoder = new TextDecoder();
    for await (const chunk of response.body!) {
      received += chunk.length;
      if (head.length < LINE.length) head += decoder.decode(chunk, { stream: true });
      tail = (tail + Buffer.from(chunk).toString('utf8')).slice(-LAST.length);
    }
    clearInterval(sampler);
    expect(received).toBe(LINES * LINE.length + LAST.length);
    expect(head.startsWith(LINE)).toBe(true);
    expect(tail).toBe(LAST);
    // The stream passed through; memory did not grow with it (50 MB streamed).
    expect(rssPeak - rssBefore).toBeLessThan(40 * 1024 * 1024);

    await new Promise((resolve) => setTimeout(resolve, 20));
    await booted.app.get(AuditLogWriter).flush();
    const lines = readFileSync(booted.config.observability.audit.filePath, 'utf8')
      .trim()
      .split('\n');
    const entry = JSON.parse(lines.at(-1)!) as {
      request_uri: string;
      response_status_code: number;
      response_object: string;
    };
    expect(new URL(entry.request_uri).pathname).toBe('/ollama/api/chat');
    expect(entry.response_status_code).toBe(200);
    expect(Buffer.byteLength(entry.response_object)).toBe(2048);
    expect(entry.response_object).toBe(LINE.repeat(3).slice(0, 2048));
  });
});
