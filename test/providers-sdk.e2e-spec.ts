import OpenAI from 'openai';
import { Ollama } from 'ollama';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootApp, type BootedApp } from './harness/boot-app.js';
import { addUser, signup, type Account } from './auth-fixtures.js';
import { startFakeOllama, startFakeOpenAI, type FakeServer } from './fakes/fake-model-server.js';

/**
 * Real clients against Atrium (issue 3): the `openai` SDK on /api (Open WebUI's app routes, with
 * Ollama models converted) and on /openai (passthrough), and the `ollama` SDK on /ollama, with a
 * JWT and with an API key, streaming and not, model lists and embeddings. The upstreams are the
 * test doubles, so every answer is known token for token.
 */
describe('OpenAI and Ollama SDKs pointed at Atrium', () => {
  const TOKENS = ['Hel', 'lo', ' wor', 'ld'];
  let ollama: FakeServer;
  let openai: FakeServer;
  let booted: BootedApp;
  let user: Account;
  let apiKey: string;

  beforeAll(async () => {
    ollama = await startFakeOllama({ models: ['llama3:latest'], tokens: TOKENS });
    openai = await startFakeOpenAI({ models: ['gpt-4o'], tokens: TOKENS });
    booted = await bootApp({
      listen: true,
      env: {
        BYPASS_MODEL_ACCESS_CONTROL: 'true',
        OLLAMA_BASE_URLS: ollama.url,
        OPENAI_API_BASE_URLS: openai.url,
        OPENAI_API_KEYS: 'sk-upstream',
        ENABLE_API_KEYS: 'true',
      },
    });
    const admin = await signup(booted.http, 'admin@example.com');
    user = await addUser(booted.http, admin, 'user@example.com', 'user');
    // API keys need features.api_keys for role user: the admin's own key is enough here.
    const created = await booted.http
      .post('/api/v1/auths/api_key')
      .set('authorization', `Bearer ${admin.token}`);
    expect(created.status).toBe(200);
    apiKey = created.body.api_key as string;
    expect(apiKey).toMatch(/^sk-/);
  });

  afterAll(async () => {
    await booted?.close();
    for (const fake of [ollama, openai]) await fake?.close();
  });

  const openAIClient = (path: '/api' | '/openai', key = user.token) =>
    new OpenAI({ baseURL: `${booted.url}${path}`, apiKey: key, maxRetries: 0, timeout: 10_000 });
  const ollamaClient = (key = user.token) =>
    new Ollama({ host: `${booted.url}/ollama`, headers: { Authorization: `Bearer ${key}` } });

  describe('openai SDK', () => {
    it.each([
      ['/api', 'llama3:latest'],
      ['/api', 'gpt-4o'],
      ['/openai', 'gpt-4o'],
    ] as const)('streams a chat on %s with %s', async (path, model) => {
      const stream = await openAIClient(path).chat.completions.create({
        model,
        stream: true,
        messages: [{ role: 'user', content: 'hi' }],
      });
      const pieces: string[] = [];
      let finish: string | null | undefined;
      for await (const chunk of stream) {
        const choice = chunk.choices[0];
        if (choice?.delta?.content) pieces.push(choice.delta.content);
        if (choice?.finish_reason) finish = choice.finish_reason;
      }
      expect(pieces.join('')).toBe(TOKENS.join(''));
      expect(finish).toBe('stop');
    });

    it.each([
      ['/api', 'llama3:latest'],
      ['/openai', 'gpt-4o'],
    ] as const)(
      'answers a non-streamed chat on %s with %s, usage included',
      async (path, model) => {
        const completion = await openAIClient(path).chat.completions.create({
          model,
          messages: [{ role: 'user', content: 'hi' }],
        });
        expect(completion.object).toBe('chat.completion');
        expect(completion.choices[0].message.content).toBe(TOKENS.join(''));
        expect(completion.usage?.completion_tokens).toBe(TOKENS.length);
      },
    );

    it('works with an API key as well as a session token', async () => {
      const completion = await openAIClient('/openai', apiKey).chat.completions.create({
        model: 'gpt-4o',
        messages: [{ role: 'user', content: 'hi' }],
      });
      expect(completion.choices[0].message.content).toBe(TOKENS.join(''));
    });

    it('lists the models on /api (both providers) and /openai (OpenAI-compatible ones)', async () => {
      const all = [];
      for await (const model of openAIClient('/api').models.list()) all.push(model.id);
      expect(all.sort()).toEqual(['gpt-4o', 'llama3:latest']);
      const openAIOnly = [];
      for await (const model of openAIClient('/openai').models.list()) openAIOnly.push(model.id);
      expect(openAIOnly).toEqual(['gpt-4o']);
    });

    it.each([
      ['/api', 'llama3:latest'],
      ['/openai', 'gpt-4o'],
    ] as const)('creates embeddings on %s with %s', async (path, model) => {
      const result = await openAIClient(path).embeddings.create({
        model,
        input: ['one', 'two'],
        encoding_format: 'float',
      });
      expect(result.data.map((entry) => entry.index)).toEqual([0, 1]);
      expect(result.data[0].embedding).toEqual([0.1, 0.2, 0.3]);
    });

    it('surfaces an unknown model as an SDK error with the status, not a hang', async () => {
      const failure = await openAIClient('/openai')
        .chat.completions.create({ model: 'nope', messages: [{ role: 'user', content: 'hi' }] })
        .catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(OpenAI.APIError);
      expect((failure as InstanceType<typeof OpenAI.APIError>).status).toBe(404);
    });

    it('refuses a bad key with 401', async () => {
      const failure = await openAIClient('/openai', 'not-a-token')
        .models.list()
        .catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(OpenAI.AuthenticationError);
    });
  });

  describe('ollama SDK', () => {
    it('streams a chat (model name without a tag gets :latest)', async () => {
      const stream = await ollamaClient().chat({
        model: 'llama3',
        stream: true,
        messages: [{ role: 'user', content: 'hi' }],
      });
      const pieces: string[] = [];
      let last;
      for await (const part of stream) {
        pieces.push(part.message.content);
        last = part;
      }
      expect(pieces.join('')).toBe(TOKENS.join(''));
      expect(last?.done).toBe(true);
      expect(last?.eval_count).toBe(TOKENS.length);
      expect(ollama.requests.at(-1)?.body.model).toBe('llama3:latest');
    });

    it('answers a non-streamed chat and a generate', async () => {
      const reply = await ollamaClient().chat({
        model: 'llama3:latest',
        messages: [{ role: 'user', content: 'hi' }],
      });
      expect(reply.message.content).toBe(TOKENS.join(''));
      expect(reply.done).toBe(true);
      const generated = await ollamaClient().generate({ model: 'llama3:latest', prompt: 'hi' });
      expect(generated.response).toBe(TOKENS.join(''));
    });

    it('lists models, reports the version, embeds, with an API key too', async () => {
      const client = ollamaClient(apiKey);
      const listed = await client.list();
      expect(listed.models.map((model) => model.name)).toEqual(['llama3:latest']);
      expect((await client.version()).version).toBe('0.6.0');
      const embedded = await client.embed({ model: 'llama3:latest', input: ['a', 'b'] });
      expect(embedded.embeddings).toHaveLength(2);
    });

    it('throws the upstream error for an unknown model', async () => {
      const failure = await ollamaClient()
        .chat({ model: 'ghost', messages: [{ role: 'user', content: 'hi' }] })
        .catch((error: unknown) => error as { status_code?: number; message?: string });
      expect(failure).toMatchObject({ status_code: 400 });
    });
  });
});
