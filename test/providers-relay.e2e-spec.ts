/* eslint-disable @typescript-eslint/no-explicit-any -- HTTP bodies are free-form JSON */
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootApp, type BootedApp } from './harness/boot-app.js';
import { addUser, signup, type Account } from './auth-fixtures.js';
import {
  closedPortUrl,
  startFakeOllama,
  startFakeOpenAI,
  type FakeServer,
} from './fakes/fake-model-server.js';

/**
 * The relay (§3.9, §3.10, §5): NDJSON and SSE passthrough byte for byte, prefix stripping,
 * Ollama -> OpenAI conversion on /api/chat/completions, upstream errors, unreachable upstreams,
 * and client disconnects that abort the upstream request.
 */
describe('provider relay', () => {
  let ollama: FakeServer;
  let prefixed: FakeServer;
  let openai: FakeServer;
  let booted: BootedApp;
  let url: string;
  let user: Account;

  const post = (path: string, body: unknown, base = url) =>
    fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${user.token}` },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const direct = (server: FakeServer, path: string, body: unknown) =>
    fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const json = (response: Response): Promise<any> => response.json();
  const bytes = async (response: Response) => Buffer.from(await response.arrayBuffer());
  const sseFrames = (text: string) =>
    text
      .split('\n\n')
      .filter((frame) => frame !== '')
      .map((frame) => frame.replace(/^data: /, ''));

  beforeAll(async () => {
    ollama = await startFakeOllama({ models: ['llama3:latest'] });
    prefixed = await startFakeOllama({ models: ['mistral:latest'] });
    openai = await startFakeOpenAI({ models: ['gpt-4o'] });
    const dead = await closedPortUrl();
    booted = await bootApp({
      listen: true,
      env: {
        // Relay mechanics, not model visibility (test/providers-model-access covers §7.3).
        BYPASS_MODEL_ACCESS_CONTROL: 'true',
        OLLAMA_BASE_URLS: `${ollama.url};${prefixed.url}`,
        OLLAMA_API_CONFIGS: JSON.stringify({ '1': { prefix_id: 'p' } }),
        OPENAI_API_BASE_URLS: `${openai.url};${dead}`,
        OPENAI_API_KEYS: 'sk-relay;',
        ENABLE_FORWARD_USER_INFO_HEADERS: 'true',
        OPENAI_API_CONFIGS: JSON.stringify({
          '0': { prefix_id: 'oa' },
          '1': { model_ids: ['ghost'] },
        }),
      },
    });
    url = booted.url!;
    const admin = await signup(booted.http, 'admin@example.com');
    user = await addUser(booted.http, admin, 'user@example.com', 'user');
  });

  afterAll(async () => {
    await booted?.close();
    for (const fake of [ollama, prefixed, openai]) await fake?.close();
  });

  describe('Ollama passthrough', () => {
    it('relays /ollama/api/chat NDJSON byte for byte, adding :latest', async () => {
      const body = { messages: [{ role: 'user', content: 'hi' }], options: { seed: 1 } };
      const relayed = await post('/ollama/api/chat', { ...body, model: 'llama3' });
      expect(relayed.status).toBe(200);
      expect(relayed.headers.get('content-type')).toBe('application/x-ndjson');
      const through = await bytes(relayed);
      expect(ollama.requests.at(-1)?.body).toEqual({ ...body, model: 'llama3:latest' });
      const expected = await bytes(
        await direct(ollama, '/api/chat', { ...body, model: 'llama3:latest' }),
      );
      expect(through.equals(expected)).toBe(true);
      expect(through.toString().trim().split('\n')).toHaveLength(4);
    });

    it('relays /ollama/api/generate and strips the connection prefix', async () => {
      const relayed = await post('/ollama/api/generate', {
        model: 'p.mistral:latest',
        prompt: 'x',
      });
      expect(relayed.status).toBe(200);
      const through = await bytes(relayed);
      expect(prefixed.requests.at(-1)?.body).toEqual({ model: 'mistral:latest', prompt: 'x' });
      const expected = await bytes(
        await direct(prefixed, '/api/generate', { model: 'mistral:latest', prompt: 'x' }),
      );
      expect(through.equals(expected)).toBe(true);
    });

    it('routes by explicit connection index', async () => {
      const relayed = await post('/ollama/api/chat/1', { model: 'mistral:latest', stream: false });
      expect(relayed.status).toBe(200);
      expect((await json(relayed)).message.content).toBe('Hello world!');
      expect((await post('/ollama/api/chat/9', { model: 'x' })).status).toBe(404);
    });

    it('relays /ollama/api/show, /embed and /embeddings', async () => {
      const show = await post('/ollama/api/show', { name: 'llama3:latest' });
      expect(show.status).toBe(200);
      expect((await json(show)).modelfile).toBe('FROM llama3:latest');
      const embed = await post('/ollama/api/embed', { model: 'llama3:latest', input: ['a', 'b'] });
      expect((await json(embed)).embeddings).toHaveLength(2);
      const legacy = await post('/ollama/api/embeddings', { model: 'llama3', prompt: 'a' });
      expect((await json(legacy)).embedding).toEqual([0.1, 0.2, 0.3]);
    });

    it('relays /ollama/v1/chat/completions as SSE', async () => {
      const relayed = await post('/ollama/v1/chat/completions', {
        model: 'llama3:latest',
        stream: true,
        messages: [],
      });
      expect(relayed.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
      expect((await relayed.text()).endsWith('data: [DONE]\n\n')).toBe(true);
    });

    it('answers unknown models and upstream errors like Open WebUI', async () => {
      const unknown = await post('/ollama/api/chat', { model: 'nope' });
      expect(unknown.status).toBe(400);
      expect(await json(unknown)).toEqual({ detail: "Model 'nope:latest' was not found" });

      ollama.behaviour.failStatus = 500;
      try {
        const failed = await post('/ollama/api/chat', { model: 'llama3:latest' });
        expect(failed.status).toBe(500);
        expect(await json(failed)).toEqual({ detail: 'Ollama: something broke upstream' });
      } finally {
        ollama.behaviour.failStatus = undefined;
      }

      const notObject = await post('/ollama/api/chat', '[1,2]');
      expect(notObject.status).toBe(422);
      expect((await json(notObject)).detail[0].loc).toEqual(['body']);
    });
  });

  describe('OpenAI passthrough', () => {
    it('relays /openai/chat/completions SSE byte for byte with the key and without the prefix', async () => {
      const body = { messages: [{ role: 'user', content: 'hi' }], stream: true, temperature: 0 };
      const relayed = await post('/openai/chat/completions', {
        ...body,
        model: 'oa.gpt-4o',
        metadata: { chat_id: 'x' },
      });
      expect(relayed.status).toBe(200);
      expect(relayed.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
      expect(relayed.headers.get('cache-control')).toBe('no-cache');
      expect(relayed.headers.get('x-accel-buffering')).toBe('no');
      const through = await bytes(relayed);
      const received = openai.requests.at(-1)!;
      const forwarded = { ...body, model: 'gpt-4o', stream_options: { include_usage: true } };
      expect(received.body).toEqual(forwarded);
      expect(received.headers.authorization).toBe('Bearer sk-relay');
      expect(received.headers['x-openwebui-chat-id']).toBe('x');
      const expected = await bytes(await direct(openai, '/chat/completions', forwarded));
      expect(through.equals(expected)).toBe(true);
      expect(through.toString()).toContain('"usage":{"prompt_tokens":12,"completion_tokens":3');
      expect(through.toString().endsWith('data: [DONE]\n\n')).toBe(true);
    });

    it('relays /openai/embeddings and forwards the caller identity', async () => {
      const relayed = await post('/openai/embeddings', { model: 'oa.gpt-4o', input: ['a', 'b'] });
      expect(relayed.status).toBe(200);
      expect((await json(relayed)).data).toHaveLength(2);
      const received = openai.requests.at(-1)!;
      expect(received.path).toBe('/embeddings');
      expect(received.body.model).toBe('gpt-4o');
      expect(received.headers['x-openwebui-user-id']).toBe(user.id);
      expect(received.headers['x-openwebui-user-email']).toBe('user@example.com');
      expect(received.headers['x-openwebui-user-role']).toBe('user');
    });

    it('answers unknown models, upstream errors and unreachable upstreams', async () => {
      const unknown = await post('/openai/chat/completions', { model: 'gpt-9' });
      expect(unknown.status).toBe(404);
      expect(await json(unknown)).toEqual({ detail: 'Model not found' });

      openai.behaviour.failStatus = 429;
      try {
        const limited = await post('/openai/chat/completions', { model: 'oa.gpt-4o' });
        expect(limited.status).toBe(429);
        expect((await json(limited)).error.code).toBe('rate_limit');
      } finally {
        openai.behaviour.failStatus = undefined;
      }

      const down = await post('/openai/chat/completions', { model: 'ghost' });
      expect(down.status).toBe(500);
      expect(await json(down)).toEqual({ detail: 'Open WebUI: Server Connection Error' });
    });
  });

  describe('POST /api/chat/completions', () => {
    it('relays OpenAI models as-is and drops Open WebUI-only fields', async () => {
      const body = { messages: [{ role: 'user', content: 'hi' }], stream: true };
      const relayed = await post('/api/chat/completions', {
        ...body,
        model: 'oa.gpt-4o',
        features: { web_search: false },
        variables: {},
      });
      const through = await bytes(relayed);
      const forwarded = { ...body, model: 'gpt-4o', stream_options: { include_usage: true } };
      expect(openai.requests.at(-1)?.body).toEqual(forwarded);
      const expected = await bytes(await direct(openai, '/chat/completions', forwarded));
      expect(through.equals(expected)).toBe(true);

      const plain = await post('/api/v1/chat/completions', { model: 'oa.gpt-4o', messages: [] });
      expect((await json(plain)).choices[0].message.content).toBe('Hello world!');
      expect(openai.requests.at(-1)?.body).not.toHaveProperty('stream_options');
    });

    it('converts Ollama NDJSON into OpenAI chunks with usage and [DONE]', async () => {
      const relayed = await post('/api/chat/completions', {
        model: 'llama3:latest',
        stream: true,
        temperature: 0.2,
        max_tokens: 64,
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'what is this?' },
              { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } },
            ],
          },
        ],
      });
      expect(relayed.status).toBe(200);
      expect(relayed.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
      expect(relayed.headers.get('cache-control')).toBe('no-cache');
      expect(ollama.requests.at(-1)?.body).toEqual({
        model: 'llama3:latest',
        stream: true,
        messages: [{ role: 'user', content: 'what is this?', images: ['AAAA'] }],
        options: { temperature: 0.2, num_predict: 64 },
      });
      const frames = sseFrames(await relayed.text());
      expect(frames.at(-1)).toBe('[DONE]');
      const chunks = frames.slice(0, -1).map((frame) => JSON.parse(frame));
      expect(chunks).toHaveLength(4);
      expect(chunks.map((chunk) => chunk.choices[0].delta.content ?? '').join('')).toBe(
        'Hello world!',
      );
      expect(chunks[0]).toMatchObject({
        object: 'chat.completion.chunk',
        model: 'llama3:latest',
        choices: [{ index: 0, finish_reason: null, delta: { content: 'Hello' } }],
      });
      const last = chunks.at(-1);
      expect(last.choices[0]).toMatchObject({ finish_reason: 'stop', delta: {} });
      expect(last.usage).toMatchObject({
        prompt_tokens: 12,
        completion_tokens: 3,
        total_tokens: 15,
        'response_token/s': 3,
        approximate_total: '0h0m5s',
      });
    });

    it('converts a non-streamed Ollama reply into a chat.completion', async () => {
      const relayed = await post('/api/chat/completions', {
        model: 'p.mistral:latest',
        messages: [{ role: 'user', content: 'hi' }],
      });
      expect(relayed.status).toBe(200);
      expect(prefixed.requests.at(-1)?.body.model).toBe('mistral:latest');
      expect(await json(relayed)).toMatchObject({
        object: 'chat.completion',
        model: 'p.mistral:latest',
        choices: [
          {
            index: 0,
            finish_reason: 'stop',
            message: { role: 'assistant', content: 'Hello world!' },
          },
        ],
        usage: { prompt_tokens: 12, completion_tokens: 3, total_tokens: 15 },
      });
    });

    it('answers POST /api/embeddings for both providers in the OpenAI format', async () => {
      const fromOllama = await post('/api/embeddings', {
        model: 'llama3:latest',
        input: ['a', 'b'],
      });
      expect(fromOllama.status).toBe(200);
      expect(ollama.requests.at(-1)?.path).toBe('/api/embed');
      expect(await json(fromOllama)).toEqual({
        object: 'list',
        model: 'llama3:latest',
        data: [
          { object: 'embedding', index: 0, embedding: [0.1, 0.2, 0.3] },
          { object: 'embedding', index: 1, embedding: [0.1, 0.2, 0.3] },
        ],
      });
      const fromOpenAI = await post('/api/v1/embeddings', { model: 'oa.gpt-4o', input: 'a' });
      expect((await json(fromOpenAI)).data).toHaveLength(1);
      expect(openai.requests.at(-1)?.body).toEqual({ model: 'gpt-4o', input: 'a' });
      expect((await post('/api/embeddings', { model: 'nope', input: 'a' })).status).toBe(400);
    });

    it('answers 400 Model not found and 422 for a body that is not an object', async () => {
      const unknown = await post('/api/chat/completions', { model: 'nope', messages: [] });
      expect(unknown.status).toBe(400);
      expect(await json(unknown)).toEqual({ detail: 'Model not found' });
      const malformed = await post('/api/chat/completions', '"just a string"');
      expect(malformed.status).toBe(422);
    });
  });

  describe('stream lifetimes', () => {
    it('aborts the upstream request when the client disconnects', async () => {
      ollama.behaviour.tokens = Array.from({ length: 200 }, (_, index) => `t${index} `);
      ollama.behaviour.tokenDelayMs = 20;
      const abortedBefore = ollama.abortedStreams;
      try {
        await new Promise<void>((resolve, reject) => {
          const request = httpRequest(`${url}/ollama/api/chat`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${user.token}` },
          });
          request.on('response', (response) => {
            response.once('data', () => {
              request.destroy();
              resolve();
            });
          });
          request.on('error', reject);
          request.end(JSON.stringify({ model: 'llama3:latest' }));
        });
        const deadline = Date.now() + 2000;
        while (ollama.openStreams > 0 && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        expect(ollama.openStreams).toBe(0);
        expect(ollama.abortedStreams).toBe(abortedBefore + 1);
      } finally {
        ollama.behaviour.tokens = ['Hello', ' world', '!'];
        ollama.behaviour.tokenDelayMs = 0;
      }
    });

    it('aborts the upstream Ollama request when a converted stream loses its client', async () => {
      ollama.behaviour.tokens = Array.from({ length: 200 }, (_, index) => `t${index} `);
      ollama.behaviour.tokenDelayMs = 20;
      const abortedBefore = ollama.abortedStreams;
      try {
        const controller = new AbortController();
        const response = await fetch(`${url}/api/chat/completions`, {
          method: 'POST',
          signal: controller.signal,
          headers: { 'content-type': 'application/json', authorization: `Bearer ${user.token}` },
          body: JSON.stringify({ model: 'llama3:latest', stream: true, messages: [] }),
        });
        const reader = response.body!.getReader();
        const first = await reader.read();
        expect(Buffer.from(first.value).toString()).toMatch(/^data: \{/);
        controller.abort();
        const deadline = Date.now() + 2000;
        while (ollama.openStreams > 0 && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        expect(ollama.openStreams).toBe(0);
        expect(ollama.abortedStreams).toBe(abortedBefore + 1);
      } finally {
        ollama.behaviour.tokens = ['Hello', ' world', '!'];
        ollama.behaviour.tokenDelayMs = 0;
      }
    });

    it('respects backpressure: a client that stops reading stalls the upstream', async () => {
      const token = 'x'.repeat(64 * 1024);
      ollama.behaviour.tokens = Array.from({ length: 1000 }, () => token);
      const before = ollama.streamedBytes;
      try {
        const total = await new Promise<number>((resolve, reject) => {
          const request = httpRequest(`${url}/ollama/api/chat`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${user.token}` },
          });
          request.on('response', (response) => {
            response.pause();
            setTimeout(() => {
              // ~64 MB to send; with the client paused only socket buffers' worth may leave.
              const sent = ollama.streamedBytes - before;
              expect(ollama.openStreams).toBe(1);
              expect(sent).toBeLessThan(32 * 1024 * 1024);
              let received = 0;
              response.on('data', (chunk: Buffer) => (received += chunk.length));
              response.on('end', () => resolve(received));
              response.resume();
            }, 500);
          });
          request.on('error', reject);
          request.end(JSON.stringify({ model: 'llama3:latest' }));
        });
        expect(total).toBe(ollama.streamedBytes - before);
        expect(total).toBeGreaterThan(60 * 1024 * 1024);
      } finally {
        ollama.behaviour.tokens = ['Hello', ' world', '!'];
      }
    });

    it('ends the client stream with an error when the upstream drops mid-stream', async () => {
      openai.behaviour.dropAfterTokens = 2;
      openai.behaviour.tokenDelayMs = 10;
      try {
        const started = Date.now();
        const relayed = await post('/openai/chat/completions', {
          model: 'oa.gpt-4o',
          stream: true,
        });
        expect(relayed.status).toBe(200);
        await expect(relayed.text()).rejects.toThrow();
        expect(Date.now() - started).toBeLessThan(2000);
      } finally {
        openai.behaviour.dropAfterTokens = undefined;
        openai.behaviour.tokenDelayMs = 0;
      }
    });
  });
  it('answers 404 on the catch-all /openai/{path} unless ENABLE_OPENAI_API_PASSTHROUGH is on', async () => {
    const before = openai.requests.length;
    expect((await post('/openai/moderations', { input: 'x' })).status).toBe(404);
    const listed = await fetch(`${url}/openai/files`, {
      headers: { authorization: `Bearer ${user.token}` },
    });
    expect(listed.status).toBe(404);
    expect(await listed.json()).toEqual({ detail: 'Not Found' });
    expect(openai.requests.length).toBe(before);
  });

  describe('telemetry', () => {
    const metrics = async () => (await booted.http.get('/metrics').expect(200)).text;
    const value = (text: string, series: string): number => {
      const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
      return line ? Number(line.slice(series.length + 1)) : 0;
    };
    const waitFor = async (check: () => Promise<boolean>) => {
      for (let attempt = 0; attempt < 50 && !(await check()); attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };

    it('counts a relayed stream: time to first token, tokens, active streams, errors', async () => {
      const output =
        'atrium_tokens_relayed_total{provider="ollama",model="llama3:latest",kind="output"}';
      const input =
        'atrium_tokens_relayed_total{provider="ollama",model="llama3:latest",kind="input"}';
      const ttft =
        'atrium_time_to_first_token_seconds_count{provider="ollama",model="llama3:latest"}';
      const active = 'atrium_active_streams{provider="ollama"}';
      const refused = 'atrium_upstream_errors_total{connection="openai-1",reason="refused"}';
      const failed = 'atrium_upstream_errors_total{connection="ollama-0",reason="http_500"}';
      const before = await metrics();

      ollama.behaviour.tokenDelayMs = 20;
      try {
        const relayed = await post('/ollama/api/chat', { model: 'llama3', messages: [] });
        const reader = relayed.body!.getReader();
        await reader.read();
        await waitFor(async () => value(await metrics(), active) === 1);
        expect(value(await metrics(), active)).toBe(1);
        while (!(await reader.read()).done);
      } finally {
        ollama.behaviour.tokenDelayMs = 0;
      }
      await waitFor(async () => value(await metrics(), active) === 0);
      ollama.behaviour.failStatus = 500;
      try {
        expect((await post('/ollama/api/chat', { model: 'llama3' })).status).toBe(500);
      } finally {
        ollama.behaviour.failStatus = undefined;
      }
      expect((await post('/openai/chat/completions', { model: 'ghost' })).status).toBe(500);

      const after = await metrics();
      expect(value(after, active)).toBe(0);
      expect(value(after, output) - value(before, output)).toBe(3);
      expect(value(after, input) - value(before, input)).toBe(12);
      expect(value(after, ttft) - value(before, ttft)).toBe(1); // not for the failed call
      expect(value(after, refused) - value(before, refused)).toBe(1);
      expect(value(after, failed) - value(before, failed)).toBe(1);
      expect(
        value(after, 'atrium_model_list_refresh_seconds_count{connection="ollama-0"}'),
      ).toBeGreaterThan(0);

      // OpenAI usage comes from the usage chunk that stream_options.include_usage asks for.
      const openaiOutput =
        'atrium_tokens_relayed_total{provider="openai",model="gpt-4o",kind="output"}';
      const streamed = await post('/openai/chat/completions', { model: 'oa.gpt-4o', stream: true });
      await streamed.text();
      await waitFor(async () => value(await metrics(), openaiOutput) > value(after, openaiOutput));
      expect(value(await metrics(), openaiOutput) - value(after, openaiOutput)).toBe(3);
    });
  });
});
