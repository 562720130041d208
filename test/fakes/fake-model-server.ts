/* eslint-disable @typescript-eslint/no-explicit-any -- request bodies of a test double are free-form JSON */
/**
 * Test doubles for model servers: small real HTTP servers on 127.0.0.1 that speak Ollama's
 * NDJSON and OpenAI's SSE wire formats exactly, with controllable delays and failures, and
 * that record what they received.
 *
 *   const ollama = await startFakeOllama({ models: ['llama3:latest'] });
 *   ollama.url  // http://127.0.0.1:<port>
 *   ollama.requests  // [{ method, path, headers, body }]
 *
 * Output is deterministic (fixed timestamps) so a relayed stream can be compared byte for byte
 * with the same request sent straight to the double.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, type Socket } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: any;
}

export interface FakeBehaviour {
  /** Model names served (Ollama: "name:tag"; OpenAI: ids). */
  models: string[];
  /** Tokens streamed per reply. */
  tokens: string[];
  /** Delay before each token, ms. */
  tokenDelayMs: number;
  /** Delay before the model list answers, ms (Infinity: never answers). */
  listDelayMs: number;
  /** Answer chat/generate with this status and an error body instead. */
  failStatus?: number;
  /** Destroy the connection after this many tokens. */
  dropAfterTokens?: number;
  /** Ollama version reported by /api/version. */
  version: string;
  /** Ollama models held in memory (listed by /api/ps; `keep_alive: 0` unloads). */
  loaded: string[];
}

export interface FakeServer {
  url: string;
  requests: RecordedRequest[];
  behaviour: FakeBehaviour;
  /** Streams that ended because the client went away before the last token. */
  abortedStreams: number;
  /** Streams currently being written. */
  openStreams: number;
  /** Bytes of stream bodies handed to the socket so far. */
  streamedBytes: number;
  close(): Promise<void>;
}

const CREATED_AT = '2026-01-01T00:00:00.000000000Z';
const CREATED = 1767225600;

type Handler = (
  request: IncomingMessage,
  body: any,
  response: ServerResponse,
  fake: FakeServer,
) => Promise<void> | void;

async function start(handler: Handler, behaviour: Partial<FakeBehaviour>): Promise<FakeServer> {
  const sockets = new Set<Socket>();
  const fake: FakeServer = {
    url: '',
    requests: [],
    behaviour: {
      models: [],
      tokens: ['Hello', ' world', '!'],
      tokenDelayMs: 0,
      listDelayMs: 0,
      version: '0.6.0',
      loaded: [],
      ...behaviour,
    },
    abortedStreams: 0,
    openStreams: 0,
    streamedBytes: 0,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: any = undefined;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        body = text;
      }
      fake.requests.push({
        method: request.method ?? 'GET',
        path: request.url ?? '/',
        headers: request.headers,
        body,
      });
      void Promise.resolve(handler(request, body, response, fake)).catch(() => response.destroy());
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return fake;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitList(fake: FakeServer): Promise<void> {
  const delay = fake.behaviour.listDelayMs;
  if (delay === Infinity) await new Promise(() => undefined);
  if (delay > 0) await sleep(delay);
}

function json(response: ServerResponse, status: number, value: unknown): void {
  const text = JSON.stringify(value);
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}

/**
 * Writes `frames` one by one with the configured delay, honouring backpressure; stops (and
 * counts an abort) when the client goes away; drops the connection after `dropAfterTokens`.
 */
async function stream(
  response: ServerResponse,
  fake: FakeServer,
  contentType: string,
  frames: string[],
): Promise<void> {
  response.writeHead(200, { 'content-type': contentType });
  fake.openStreams += 1;
  let gone = false;
  response.on('close', () => {
    if (!response.writableFinished) gone = true;
  });
  try {
    for (let index = 0; index < frames.length; index++) {
      if (fake.behaviour.tokenDelayMs > 0) await sleep(fake.behaviour.tokenDelayMs);
      if (gone) {
        fake.abortedStreams += 1;
        return;
      }
      if (fake.behaviour.dropAfterTokens !== undefined && index >= fake.behaviour.dropAfterTokens) {
        response.socket?.destroy();
        return;
      }
      fake.streamedBytes += Buffer.byteLength(frames[index]);
      if (!response.write(frames[index])) {
        await new Promise((resolve) => response.once('drain', resolve));
      }
    }
    response.end();
  } finally {
    fake.openStreams -= 1;
  }
}

function ollamaTag(name: string) {
  return {
    name,
    model: name,
    modified_at: CREATED_AT,
    size: 4661224676,
    digest: `sha256:${Buffer.from(name).toString('hex').padEnd(64, '0').slice(0, 64)}`,
    details: {
      parent_model: '',
      format: 'gguf',
      family: 'llama',
      families: ['llama'],
      parameter_size: '8.0B',
      quantization_level: 'Q4_0',
    },
  };
}

const EXPIRES_AT = '2026-01-01T00:05:00.000000000Z';

const ndjson = (values: object[]) => values.map((value) => JSON.stringify(value) + '\n');

/** Ollama's model-management routes: /api/ps, pull, push, create, copy, delete. */
function ollamaManagement(
  method: string,
  path: string,
  body: any,
  response: ServerResponse,
  fake: FakeServer,
): Promise<void> | void | false {
  const { models, loaded } = fake.behaviour;
  if (method === 'GET' && path === '/api/ps') {
    return json(response, 200, {
      models: loaded.map((name) => ({
        ...ollamaTag(name),
        expires_at: EXPIRES_AT,
        size_vram: 4661224676,
      })),
    });
  }
  const name = body?.model ?? body?.name;
  if (method === 'POST' && path === '/api/pull') {
    if (String(name).startsWith('missing')) {
      return json(response, 500, { error: 'pull model manifest: file does not exist' });
    }
    if (!models.includes(name)) models.push(name);
    const digest = ollamaTag(name).digest;
    return stream(
      response,
      fake,
      'application/x-ndjson',
      ndjson([
        { status: 'pulling manifest' },
        { status: `pulling ${digest.slice(7, 19)}`, digest, total: 100, completed: 50 },
        { status: `pulling ${digest.slice(7, 19)}`, digest, total: 100, completed: 100 },
        { status: 'verifying sha256 digest' },
        { status: 'writing manifest' },
        { status: 'success' },
      ]),
    );
  }
  if (method === 'POST' && path === '/api/create') {
    if (typeof name === 'string' && !models.includes(name)) models.push(name);
    return stream(
      response,
      fake,
      'application/x-ndjson',
      ndjson([
        { status: 'reading model metadata' },
        { status: 'creating system layer' },
        { status: 'success' },
      ]),
    );
  }
  if (method === 'POST' && path === '/api/push' && models.includes(name)) {
    return stream(
      response,
      fake,
      'application/x-ndjson',
      ndjson([{ status: 'retrieving manifest' }, { status: 'success' }]),
    );
  }
  if (method === 'POST' && path === '/api/copy') {
    if (!models.includes(body?.source)) {
      return json(response, 404, { error: `model '${body?.source}' not found` });
    }
    models.push(body.destination);
    response.writeHead(200, { 'content-length': 0 }).end();
    return;
  }
  if (method === 'DELETE' && path === '/api/delete') {
    if (!models.includes(name)) return json(response, 404, { error: `model '${name}' not found` });
    models.splice(models.indexOf(name), 1);
    response.writeHead(200, { 'content-length': 0 }).end();
    return;
  }
  if (path === '/api/generate' && body?.keep_alive === 0 && body?.prompt === '') {
    if (!models.includes(name)) return json(response, 404, { error: `model '${name}' not found` });
    fake.behaviour.loaded = loaded.filter((model) => model !== name);
    return json(response, 200, {
      model: name,
      created_at: CREATED_AT,
      response: '',
      done: true,
      done_reason: 'unload',
    });
  }
  return false;
}

const FINAL_COUNTS = {
  total_duration: 5_000_000_000,
  load_duration: 1_000_000,
  prompt_eval_count: 12,
  prompt_eval_duration: 100_000_000,
  eval_duration: 1_000_000_000,
};

/**
 * An Ollama server: /api/tags, /api/version, /api/chat, /api/generate, /api/show, /api/embed,
 * and model management (/api/ps, pull, push, create, copy, delete, unload via keep_alive 0).
 */
export function startFakeOllama(behaviour: Partial<FakeBehaviour> = {}): Promise<FakeServer> {
  return start(async (request, body, response, fake) => {
    const path = (request.url ?? '/').split('?')[0];
    const { models, tokens } = fake.behaviour;
    if (request.method === 'GET' && path === '/api/tags') {
      await waitList(fake);
      return json(response, 200, { models: models.map(ollamaTag) });
    }
    if (request.method === 'GET' && path === '/api/version') {
      return json(response, 200, { version: fake.behaviour.version });
    }
    const model = body?.model ?? body?.name;
    if (fake.behaviour.failStatus !== undefined) {
      return json(response, fake.behaviour.failStatus, { error: 'something broke upstream' });
    }
    const managed = ollamaManagement(request.method ?? 'GET', path, body, response, fake);
    if (managed !== false) return managed;
    if (!models.includes(model)) {
      return json(response, 404, { error: `model '${model}' not found` });
    }
    if (path === '/api/show') {
      return json(response, 200, { modelfile: `FROM ${model}`, details: ollamaTag(model).details });
    }
    if (path === '/api/embed') {
      const inputs = Array.isArray(body.input) ? body.input : [body.input];
      return json(response, 200, { model, embeddings: inputs.map(() => [0.1, 0.2, 0.3]) });
    }
    if (path === '/api/embeddings') {
      return json(response, 200, { embedding: [0.1, 0.2, 0.3] });
    }
    if (path === '/api/chat' || path === '/api/generate') {
      const chat = path === '/api/chat';
      const piece = (content: string) =>
        chat ? { message: { role: 'assistant', content } } : { response: content };
      const final = {
        model,
        created_at: CREATED_AT,
        ...piece(''),
        done: true,
        done_reason: 'stop',
        ...FINAL_COUNTS,
        eval_count: tokens.length,
      };
      if (body.stream === false) {
        return json(response, 200, { ...final, ...piece(tokens.join('')) });
      }
      const lines = tokens.map(
        (token) =>
          JSON.stringify({ model, created_at: CREATED_AT, ...piece(token), done: false }) + '\n',
      );
      lines.push(JSON.stringify(final) + '\n');
      return stream(response, fake, 'application/x-ndjson', lines);
    }
    if (path === '/v1/chat/completions') {
      return openAIChat(body, response, fake);
    }
    json(response, 404, { error: 'not found' });
  }, behaviour);
}

function openAIChat(body: any, response: ServerResponse, fake: FakeServer) {
  const { tokens } = fake.behaviour;
  const model = body.model;
  const base = { id: 'chatcmpl-fake', object: 'chat.completion.chunk', created: CREATED, model };
  if (body.stream !== true) {
    return json(response, 200, {
      id: 'chatcmpl-fake',
      object: 'chat.completion',
      created: CREATED,
      model,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: tokens.join('') },
          finish_reason: 'stop',
        },
      ],
      usage: {
        prompt_tokens: 12,
        completion_tokens: tokens.length,
        total_tokens: 12 + tokens.length,
      },
    });
  }
  const frames = tokens.map(
    (token, index) =>
      `data: ${JSON.stringify({
        ...base,
        choices: [
          {
            index: 0,
            delta: index === 0 ? { role: 'assistant', content: token } : { content: token },
            finish_reason: null,
          },
        ],
      })}\n\n`,
  );
  frames.push(
    `data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\n`,
  );
  if (body.stream_options?.include_usage === true) {
    const usage = { prompt_tokens: 12, completion_tokens: tokens.length };
    frames.push(
      `data: ${JSON.stringify({ ...base, choices: [], usage: { ...usage, total_tokens: 12 + tokens.length } })}\n\n`,
    );
  }
  frames.push('data: [DONE]\n\n');
  return stream(response, fake, 'text/event-stream; charset=utf-8', frames);
}

/**
 * An OpenAI-compatible server: /models, /chat/completions (SSE with `data: [DONE]`, and the
 * usage chunk when `stream_options.include_usage` is set), /embeddings, /moderations, /files.
 */
export function startFakeOpenAI(behaviour: Partial<FakeBehaviour> = {}): Promise<FakeServer> {
  return start(async (request, body, response, fake) => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method === 'GET' && path === '/models') {
      await waitList(fake);
      return json(response, 200, {
        object: 'list',
        data: fake.behaviour.models.map((id) => ({
          id,
          object: 'model',
          created: CREATED,
          owned_by: 'fake',
        })),
      });
    }
    if (request.method === 'POST' && path === '/embeddings') {
      const inputs = Array.isArray(body?.input) ? body.input : [body?.input];
      return json(response, 200, {
        object: 'list',
        model: body?.model,
        data: inputs.map((_: unknown, index: number) => ({
          object: 'embedding',
          index,
          embedding: [0.1, 0.2, 0.3],
        })),
      });
    }
    if (request.method === 'POST' && path === '/chat/completions') {
      if (fake.behaviour.failStatus !== undefined) {
        return json(response, fake.behaviour.failStatus, {
          error: { message: 'rate limited', type: 'requests', code: 'rate_limit' },
        });
      }
      if (!fake.behaviour.models.includes(body?.model)) {
        return json(response, 404, {
          error: { message: `The model ${body?.model} does not exist`, code: 'model_not_found' },
        });
      }
      return openAIChat(body, response, fake);
    }
    if (request.method === 'POST' && path === '/moderations') {
      return json(response, 200, {
        id: 'modr-fake',
        model: body?.model ?? 'omni-moderation-latest',
        results: [{ flagged: false }],
      });
    }
    if (request.method === 'GET' && path === '/files') {
      return json(response, 200, { object: 'list', data: [] });
    }
    json(response, 404, { error: { message: 'not found' } });
  }, behaviour);
}

/** A port that accepts connections and never answers (a hung model server). */
export async function startBlackHole(): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createTcpServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A URL nothing listens on (connection refused). */
export async function closedPortUrl(): Promise<string> {
  const hole = await startBlackHole();
  await hole.close();
  return hole.url;
}
