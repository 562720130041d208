/* eslint-disable @typescript-eslint/no-explicit-any -- HTTP bodies and events are free-form JSON */
/**
 * Open WebUI's /api/v1/tasks router: the task settings (GET for verified users, update for
 * admins only, Open WebUI's upper-case shape over the persisted settings) and the title / tags /
 * follow-up generation routes the chat page calls (the task model's completion, disabled
 * answers, unknown models, bad bodies, failing upstreams). Also `chat:active` around a task.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { bootApp, type BootedApp } from './harness/boot-app.js';
import { addUser, bearer, signup, type Account } from './auth-fixtures.js';
import { startFakeOpenAI, type FakeServer } from './fakes/fake-model-server.js';
import {
  createChat,
  recordEmits,
  taskBody,
  waitFor,
  type RecordedEvent,
} from './chat-tasks-fixtures.js';

const TASK_ANSWER =
  '{"title": "Weather talk", "tags": ["Weather"], "follow_ups": ["And tomorrow?"]}';
const MESSAGES = [
  { role: 'user', content: 'Will it rain today?' },
  { role: 'assistant', content: 'Probably, take an umbrella.' },
];

describe('/api/v1/tasks', () => {
  let chatModel: FakeServer;
  let taskModel: FakeServer;
  let booted: BootedApp;
  let admin: Account;
  let user: Account;
  let pending: Account;
  let events: RecordedEvent[];
  let initialConfig: Record<string, unknown>;

  const post = (who: Account | undefined, path: string, body: unknown) => {
    const request = booted.http.post(`/api/v1/tasks/${path}`);
    if (who) request.set(...bearer(who));
    return request.send(body as object);
  };
  const updateConfig = (who: Account, changes: Record<string, unknown>) =>
    post(who, 'config/update', changes);

  beforeAll(async () => {
    chatModel = await startFakeOpenAI({ models: ['gpt-4o'], tokens: ['Rain', ' likely'] });
    taskModel = await startFakeOpenAI({ models: ['task-model'], tokens: [TASK_ANSWER] });
    booted = await bootApp({
      env: {
        BYPASS_MODEL_ACCESS_CONTROL: 'true',
        ENABLE_OLLAMA_API: 'false',
        OPENAI_API_BASE_URLS: `${chatModel.url};${taskModel.url}`,
        OPENAI_API_KEYS: 'sk-a;sk-b',
        TASK_MODEL_EXTERNAL: 'task-model',
      },
    });
    admin = await signup(booted.http, 'admin@example.com');
    user = await addUser(booted.http, admin, 'user@example.com', 'user');
    pending = await addUser(booted.http, admin, 'pending@example.com', 'pending');
    events = recordEmits(booted.app);
    initialConfig = (await booted.http.get('/api/v1/tasks/config').set(...bearer(admin))).body;
  });
  afterAll(async () => {
    await booted?.close();
    for (const fake of [chatModel, taskModel]) await fake?.close();
  });
  beforeEach(() => {
    taskModel.behaviour.failStatus = undefined;
  });

  describe('config', () => {
    it('answers Open WebUI shape from the persisted settings (env seeds) to verified users', async () => {
      const response = await booted.http
        .get('/api/v1/tasks/config')
        .set(...bearer(user))
        .expect(200);
      expect(response.body).toMatchObject({
        TASK_MODEL: '',
        TASK_MODEL_EXTERNAL: 'task-model',
        ENABLE_TITLE_GENERATION: true,
        TITLE_GENERATION_PROMPT_TEMPLATE: '',
        ENABLE_TAGS_GENERATION: true,
        ENABLE_FOLLOW_UP_GENERATION: true,
        ENABLE_AUTOCOMPLETE_GENERATION: false,
        AUTOCOMPLETE_GENERATION_INPUT_MAX_LENGTH: -1,
        ENABLE_SEARCH_QUERY_GENERATION: true,
        VOICE_MODE_PROMPT_TEMPLATE: '',
      });
      expect(Object.keys(response.body)).toHaveLength(20);
    });

    it('refuses anonymous (403, FastAPI bearer scheme) and pending (401) callers, as Open WebUI', async () => {
      await booted.http.get('/api/v1/tasks/config').expect(403);
      await booted.http
        .get('/api/v1/tasks/config')
        .set(...bearer(pending))
        .expect(401);
    });

    it('lets only admins update it (non-admin 401) and answers the whole config', async () => {
      await updateConfig(user, { ENABLE_TITLE_GENERATION: false }).expect(401);
      const response = await updateConfig(admin, {
        ...initialConfig,
        TASK_MODEL: null,
        TITLE_GENERATION_PROMPT_TEMPLATE: 'Name this: {{MESSAGES:END:2}}',
        AUTOCOMPLETE_GENERATION_INPUT_MAX_LENGTH: 200,
        SOME_NEWER_KEY: 'dropped',
      }).expect(200);
      expect(response.body).toMatchObject({
        TASK_MODEL: '',
        TITLE_GENERATION_PROMPT_TEMPLATE: 'Name this: {{MESSAGES:END:2}}',
        AUTOCOMPLETE_GENERATION_INPUT_MAX_LENGTH: 200,
      });
      expect(response.body).not.toHaveProperty('SOME_NEWER_KEY');
      const again = await booted.http
        .get('/api/v1/tasks/config')
        .set(...bearer(user))
        .expect(200);
      expect(again.body).toEqual(response.body);
    });

    it('answers 422 with FastAPI issues for wrongly typed fields, changing nothing', async () => {
      const before = (await booted.http.get('/api/v1/tasks/config').set(...bearer(admin))).body;
      const response = await updateConfig(admin, {
        ENABLE_TITLE_GENERATION: 'yes',
        AUTOCOMPLETE_GENERATION_INPUT_MAX_LENGTH: 1.5,
      }).expect(422);
      expect(response.body.detail.map((issue: any) => issue.loc)).toEqual(
        expect.arrayContaining([
          ['body', 'ENABLE_TITLE_GENERATION'],
          ['body', 'AUTOCOMPLETE_GENERATION_INPUT_MAX_LENGTH'],
        ]),
      );
      const after = (await booted.http.get('/api/v1/tasks/config').set(...bearer(admin))).body;
      expect(after).toEqual(before);
    });
  });

  describe('generation', () => {
    it('title: the task model completion, with the admin template rendered', async () => {
      const seen = taskModel.requests.length;
      const response = await post(user, 'title/completions', {
        model: 'gpt-4o',
        messages: MESSAGES,
        chat_id: 'chat-1',
      }).expect(200);
      expect(response.body.choices[0].message.content).toBe(TASK_ANSWER);
      expect(response.body.object).toBe('chat.completion');
      const sent = taskModel.requests
        .slice(seen)
        .find((entry) => entry.path.endsWith('/chat/completions'));
      expect(sent?.body).toMatchObject({ model: 'task-model', stream: false });
      // The template set in the config test: the last two messages, as "ROLE: text" lines.
      expect(sent?.body.messages).toEqual([
        {
          role: 'user',
          content: 'Name this: USER: Will it rain today?\nASSISTANT: Probably, take an umbrella.',
        },
      ]);
    });

    it('tags and follow-ups: the task model completion', async () => {
      for (const path of ['tags/completions', 'follow_up/completions']) {
        const response = await post(user, path, { model: 'gpt-4o', messages: MESSAGES }).expect(
          200,
        );
        expect(response.body.choices[0].message.content).toBe(TASK_ANSWER);
      }
    });

    it('answers 422 for a missing model or messages, 403/401 without a verified caller', async () => {
      for (const path of ['title/completions', 'tags/completions', 'follow_up/completions']) {
        const missing = await post(user, path, { messages: MESSAGES }).expect(422);
        expect(missing.body.detail[0]).toMatchObject({ type: 'missing', loc: ['body', 'model'] });
        await post(user, path, { model: 'gpt-4o', messages: 'hi' }).expect(422);
        await post(user, path, { model: 'gpt-4o', messages: ['hi'] }).expect(422);
        await post(undefined, path, { model: 'gpt-4o', messages: MESSAGES }).expect(403);
        await post(pending, path, { model: 'gpt-4o', messages: MESSAGES }).expect(401);
      }
    });

    it('answers 404 for an unknown model and 400 for a title without a model', async () => {
      const unknown = await post(user, 'tags/completions', {
        model: 'nope',
        messages: MESSAGES,
      }).expect(404);
      expect(unknown.body).toEqual({ detail: "Model 'nope' was not found" });
      const empty = await post(user, 'title/completions', { model: '', messages: MESSAGES }).expect(
        400,
      );
      expect(empty.body.detail).toMatch(/No model specified/);
    });

    it('answers 400 with a fixed detail when the task model fails', async () => {
      taskModel.behaviour.failStatus = 500;
      const response = await post(user, 'follow_up/completions', {
        model: 'gpt-4o',
        messages: MESSAGES,
      }).expect(400);
      expect(response.body).toEqual({ detail: 'An internal error has occurred.' });
    });

    it('answers 200 {detail} when the task is switched off', async () => {
      await updateConfig(admin, {
        ENABLE_TITLE_GENERATION: false,
        ENABLE_TAGS_GENERATION: false,
        ENABLE_FOLLOW_UP_GENERATION: false,
      }).expect(200);
      const seen = taskModel.requests.length;
      const answers = await Promise.all(
        ['title/completions', 'tags/completions', 'follow_up/completions'].map(
          async (path) =>
            (await post(user, path, { model: 'gpt-4o', messages: MESSAGES }).expect(200)).body,
        ),
      );
      expect(answers).toEqual([
        { detail: 'Title generation is disabled' },
        { detail: 'Tags generation is disabled' },
        { detail: 'Follow-up generation is disabled' },
      ]);
      expect(taskModel.requests.length).toBe(seen);
      await updateConfig(admin, initialConfig).expect(200);
    });
  });

  it('sends chat:active true (with the folder) when a chat task starts and false when it ends', async () => {
    const chat = await createChat(booted.http, user, 'gpt-4o');
    const body = taskBody(chat.id, 'gpt-4o');
    await booted.http
      .post('/api/chat/completions')
      .set(...bearer(user))
      .send(body)
      .expect(200);
    const activity = () =>
      events
        .filter(
          (entry) => entry.payload.chat_id === chat.id && entry.payload.data.type === 'chat:active',
        )
        .map((entry) => ({ userId: entry.userId, data: entry.payload.data.data }));
    await waitFor(() => activity().length === 2, 10_000, 'chat:active false');
    expect(activity()).toEqual([
      { userId: user.id, data: { active: true, folder_id: null } },
      { userId: user.id, data: { active: false } },
    ]);
    // false comes after the final chat:completion.
    const types = events
      .filter((entry) => entry.payload.chat_id === chat.id)
      .map((entry) => entry.payload.data.type);
    expect(types.lastIndexOf('chat:active')).toBeGreaterThan(types.lastIndexOf('chat:completion'));
  });
});
