import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootApp, type BootedApp } from './harness/boot-app.js';
import { addUser, bearer, signin, signup, type Account } from './auth-fixtures.js';
import { closedPortUrl, startFakeOpenAI, type FakeServer } from './fakes/fake-model-server.js';
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
import {
  chatMessage,
  createChat,
  eventsOf,
  recordEmits,
  taskBody,
  waitFor,
  type RecordedEvent,
} from './chat-tasks-fixtures.js';

const redis = redisUrl();
if (!redis) warnSkipped('chat tasks across two instances sharing Redis', REDIS_VARIABLE);
// PostgreSQL when available (the usual multi-instance setup); a shared SQLite file otherwise.
const engine = engineMatrix().find((entry) => entry.engine === 'postgres')?.enabled
  ? 'postgres'
  : 'sqlite';

const modelEnv = (upstream: FakeServer) => ({
  BYPASS_MODEL_ACCESS_CONTROL: 'true',
  ENABLE_OLLAMA_API: 'false',
  OPENAI_API_BASE_URLS: upstream.url,
  OPENAI_API_KEYS: 'sk-x',
});

/**
 * The task registry in Redis (§3.13): instance B lists and stops a task that instance A runs
 * (A aborts its upstream and saves the partial reply); a user cannot stop another's task
 * through either instance.
 */
describe.skipIf(!redis)(`chat tasks across two instances (${engine} + Redis)`, () => {
  let upstream: FakeServer;
  let database: TestDatabase;
  const prefix = redisPrefix();
  let a: BootedApp;
  let b: BootedApp;
  let owner: Account;
  let stranger: Account;
  let eventsOnA: RecordedEvent[];

  beforeAll(async () => {
    upstream = await startFakeOpenAI({
      models: ['gpt-4o'],
      tokens: Array.from({ length: 40 }, (_, index) => `w${index} `),
      tokenDelayMs: 100,
    });
    database = await createTestDatabase(engine);
    const env = {
      ...modelEnv(upstream),
      DATABASE_URL: database.url,
      REDIS_URL: redis!,
      REDIS_KEY_PREFIX: prefix,
    };
    a = await bootApp({ env });
    b = await bootApp({ env });
    const admin = await signup(a.http, 'admin@example.com');
    owner = await addUser(a.http, admin, 'owner@example.com', 'user');
    stranger = await addUser(a.http, admin, 'stranger@example.com', 'user');
    eventsOnA = recordEmits(a.app);
  });

  afterAll(async () => {
    await a?.close();
    await b?.close();
    await upstream?.close();
    await database?.drop();
    if (redis) await flushPrefix(redis, prefix);
  });

  it('stops through instance B a task running on instance A', async () => {
    const chat = await createChat(a.http, owner, 'gpt-4o');
    const body = taskBody(chat.id, 'gpt-4o');
    const [taskId] = (
      await a.http
        .post('/api/chat/completions')
        .set(...bearer(owner))
        .send(body)
        .expect(200)
    ).body.task_ids as string[];
    await waitFor(() => eventsOf(eventsOnA, body.id).length >= 2, 10_000, 'tokens on A');

    const onB = await b.http
      .get(`/api/tasks/chat/${chat.id}`)
      .set(...bearer(owner))
      .expect(200);
    expect(onB.body).toEqual({ task_ids: [taskId] });
    const strangerOnB = await signin(b.http, stranger.email);
    await b.http
      .post(`/api/tasks/stop/${taskId}`)
      .set(...bearer(strangerOnB))
      .expect(404);
    await b.http
      .post(`/api/tasks/chat/${chat.id}/stop`)
      .set(...bearer(strangerOnB))
      .expect(404);

    const aborted = upstream.abortedStreams;
    const stop = await b.http
      .post(`/api/tasks/stop/${taskId}`)
      .set(...bearer(owner))
      .expect(200);
    expect(stop.body).toEqual({ status: true, message: `Task ${taskId} stopped.` });
    await waitFor(() => upstream.abortedStreams > aborted, 2_000, 'the upstream abort on A');

    const saved = await chatMessage(b.http, owner, chat.id, body.id);
    expect(saved?.done).toBe(true);
    expect(saved?.content).toMatch(/^w0 w1 /);
    expect(saved?.content.length).toBeLessThan(40 * 4);
    expect(eventsOf(eventsOnA, body.id, 'chat:tasks:cancel')).toHaveLength(1);
    expect(
      (
        await b.http
          .get('/api/tasks')
          .set(...bearer(owner))
          .expect(200)
      ).body,
    ).toEqual({
      tasks: [],
    });
  });
});

/** Redis configured but down: tasks still run and stop on their own instance, nothing hangs. */
describe('chat tasks with Redis unreachable', () => {
  let upstream: FakeServer;
  let app: BootedApp;
  let owner: Account;

  beforeAll(async () => {
    upstream = await startFakeOpenAI({ models: ['gpt-4o'], tokenDelayMs: 100 });
    app = await bootApp({
      env: {
        ...modelEnv(upstream),
        REDIS_URL: await closedPortUrl().then((url) => url.replace('http', 'redis')),
      },
    });
    owner = await signup(app.http, 'admin@example.com');
  });

  afterAll(async () => {
    await app?.close();
    await upstream?.close();
  });

  it('falls back to local tasks', async () => {
    const chat = await createChat(app.http, owner, 'gpt-4o');
    const body = taskBody(chat.id, 'gpt-4o');
    const started = Date.now();
    const [taskId] = (
      await app.http
        .post('/api/chat/completions')
        .set(...bearer(owner))
        .send(body)
        .expect(200)
    ).body.task_ids as string[];
    // Commands to a Redis that is down fail at once (no offline queue): no wait on the 2 s timeout.
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(
      (
        await app.http
          .get('/api/tasks')
          .set(...bearer(owner))
          .expect(200)
      ).body.tasks,
    ).toEqual([taskId]);
    await app.http
      .post(`/api/tasks/stop/${taskId}`)
      .set(...bearer(owner))
      .expect(200);
    await waitFor(
      async () => (await chatMessage(app.http, owner, chat.id, body.id))?.done === true,
    );
  });
});
