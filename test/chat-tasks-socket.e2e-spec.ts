/* eslint-disable @typescript-eslint/no-explicit-any -- socket payloads are free-form JSON */
/**
 * Acceptance test of issue 5: two instances A and B share a database and Redis
 * (WEBSOCKET_MANAGER=redis); a real socket.io client connected to B receives the task events
 * of a chat started through A's HTTP API (cumulative content, done, title, tags), and another
 * user's socket receives none of them.
 */
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RealtimeEmitter } from '@atrium/realtime';
import { bootApp, type BootedApp } from './harness/boot-app.js';
import { addUser, bearer, signup, type Account } from './auth-fixtures.js';
import { startFakeOpenAI, type FakeServer } from './fakes/fake-model-server.js';
import { closeAll, collect, connectSocket } from './realtime-fixtures.js';
import {
  createTestDatabase,
  engineMatrix,
  flushPrefix,
  redisPrefix,
  redisUrl,
  REDIS_VARIABLE,
  warnSkipped,
  type TestDatabase,
} from './support/test-databases.js';
import { chatMessage, createChat, taskBody, waitFor } from './chat-tasks-fixtures.js';

const redis = redisUrl();
if (!redis) warnSkipped('chat task events across two socket.io instances', REDIS_VARIABLE);
const engine = engineMatrix().find((entry) => entry.engine === 'postgres')?.enabled
  ? 'postgres'
  : 'sqlite';

interface Envelope {
  chat_id: string;
  message_id: string;
  data: { type: string; data: any };
}

describe.skipIf(!redis)(`chat task events over socket.io on two instances (${engine})`, () => {
  let chatModel: FakeServer;
  let taskModel: FakeServer;
  let database: TestDatabase;
  const prefix = redisPrefix();
  let a: BootedApp;
  let b: BootedApp;
  let owner: Account;
  let stranger: Account;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    chatModel = await startFakeOpenAI({
      models: ['gpt-4o'],
      tokens: ['Good', ' morning', ' to', ' you'],
      tokenDelayMs: 20,
    });
    taskModel = await startFakeOpenAI({
      models: ['task-model'],
      tokens: ['{"title": "Morning greeting", "tags": ["Social"]}'],
    });
    database = await createTestDatabase(engine);
    const env = {
      BYPASS_MODEL_ACCESS_CONTROL: 'true',
      ENABLE_OLLAMA_API: 'false',
      OPENAI_API_BASE_URLS: `${chatModel.url};${taskModel.url}`,
      OPENAI_API_KEYS: 'sk-a;sk-b',
      TASK_MODEL_EXTERNAL: 'task-model',
      DATABASE_URL: database.url,
      REDIS_URL: redis!,
      REDIS_KEY_PREFIX: prefix,
      WEBSOCKET_MANAGER: 'redis',
    };
    a = await bootApp({ listen: true, env });
    b = await bootApp({ listen: true, env });
    const admin = await signup(a.http, 'admin@example.com');
    owner = await addUser(a.http, admin, 'owner@example.com', 'user');
    stranger = await addUser(a.http, admin, 'stranger@example.com', 'user');
  });

  afterAll(async () => {
    closeAll(sockets);
    await a?.close();
    await b?.close();
    for (const fake of [chatModel, taskModel]) await fake?.close();
    await database?.drop();
    if (redis) await flushPrefix(redis, prefix);
  });

  it('delivers the task events of a chat started on A to the owner socket on B', async () => {
    const ownerSocket = await connectSocket(b.url!, { token: owner.token });
    const strangerSocket = await connectSocket(b.url!, { token: stranger.token });
    sockets.push(ownerSocket, strangerSocket);
    const received = collect<Envelope>(ownerSocket, 'events');
    const leaked = collect<Envelope>(strangerSocket, 'events');
    // The socket is in its room once the gateway has authenticated it; a probe emit on A proves it.
    await waitFor(
      async () => {
        a.app.get(RealtimeEmitter).emitToUser(owner.id, 'events', {
          chat_id: 'probe',
          message_id: 'probe',
          data: { type: 'probe', data: null },
        });
        await new Promise((resolve) => setTimeout(resolve, 50));
        return received.some((event) => event.chat_id === 'probe');
      },
      10_000,
      'the owner socket to join its room',
    );

    const chat = await createChat(a.http, owner, 'gpt-4o');
    const body = taskBody(chat.id, 'gpt-4o', {
      background_tasks: { title_generation: true, tags_generation: true },
    });
    const response = await a.http
      .post('/api/chat/completions')
      .set(...bearer(owner))
      .send(body)
      .expect(200);
    expect(response.body).toEqual({
      status: true,
      task_ids: [expect.any(String)],
      chat_id: chat.id,
    });

    const forChat = () => received.filter((event) => event.chat_id === chat.id);
    await waitFor(
      () => forChat().some((event) => event.data.type === 'chat:tags'),
      10_000,
      'chat:tags on B',
    );
    const completions = forChat().filter((event) => event.data.type === 'chat:completion');
    expect(completions.every((event) => event.message_id === body.id)).toBe(true);
    expect(completions.map((event) => event.data.data.content)).toEqual([
      'Good',
      'Good morning',
      'Good morning to',
      'Good morning to you',
      'Good morning to you',
    ]);
    expect(completions.at(-1)!.data.data).toMatchObject({
      done: true,
      usage: { completion_tokens: 4 },
    });
    expect(forChat().find((event) => event.data.type === 'chat:title')?.data.data).toBe(
      'Morning greeting',
    );
    expect(forChat().find((event) => event.data.type === 'chat:tags')?.data.data).toEqual([
      'Social',
    ]);
    expect(leaked.filter((event) => event.chat_id === chat.id)).toEqual([]);
    expect((await chatMessage(b.http, owner, chat.id, body.id))?.content).toBe(
      'Good morning to you',
    );
  });
});
