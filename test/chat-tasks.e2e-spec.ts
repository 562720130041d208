/* eslint-disable @typescript-eslint/no-explicit-any -- HTTP bodies and events are free-form JSON */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ChatsService } from '@atrium/chats';
import { bootApp, type BootedApp } from './harness/boot-app.js';
import { addUser, bearer, signup, type Account } from './auth-fixtures.js';
import { startFakeOllama, startFakeOpenAI, type FakeServer } from './fakes/fake-model-server.js';
import {
  chatMessage,
  createChat,
  eventsOf,
  recordEmits,
  taskBody,
  waitFor,
  type RecordedEvent,
} from './chat-tasks-fixtures.js';

/**
 * Chat task mode of POST /api/chat/completions (§5.2, §5.4) and the /api/tasks routes on one
 * instance: immediate reply, cumulative `chat:completion` events (batched), one save at the
 * end, title/tags/follow-ups with the task model, upstream errors, stop, and ownership.
 */
describe('chat task mode', () => {
  let openai: FakeServer;
  let taskModel: FakeServer;
  let ollama: FakeServer;
  let booted: BootedApp;
  let admin: Account;
  let user: Account;
  let other: Account;
  let events: RecordedEvent[];

  const TASK_ANSWER =
    '{"title": "Friendly greeting", "tags": ["Social", "Small talk"], "follow_ups": ["How are you?"]}';
  const start = (who: Account, body: unknown) =>
    booted.http
      .post('/api/chat/completions')
      .set(...bearer(who))
      .send(body as object);
  const completionEvents = (messageId: string) => eventsOf(events, messageId, 'chat:completion');
  const finished = (messageId: string) =>
    waitFor(
      () => eventsOf(events, messageId).find((entry) => entry.payload.data.data?.done === true),
      10_000,
      `the end of ${messageId}`,
    );

  beforeAll(async () => {
    openai = await startFakeOpenAI({
      models: ['gpt-4o'],
      tokens: ['Hel', 'lo', ' wor', 'ld', '!'],
    });
    taskModel = await startFakeOpenAI({ models: ['task-model'], tokens: [TASK_ANSWER] });
    ollama = await startFakeOllama({ models: ['llama3:latest'], tokens: ['Ol', 'la', 'ma'] });
    booted = await bootApp({
      env: {
        BYPASS_MODEL_ACCESS_CONTROL: 'true',
        OLLAMA_BASE_URLS: ollama.url,
        OPENAI_API_BASE_URLS: `${openai.url};${taskModel.url}`,
        OPENAI_API_KEYS: 'sk-a;sk-b',
        TASK_MODEL_EXTERNAL: 'task-model',
      },
    });
    admin = await signup(booted.http, 'admin@example.com');
    user = await addUser(booted.http, admin, 'user@example.com', 'user');
    other = await addUser(booted.http, admin, 'other@example.com', 'user');
    events = recordEmits(booted.app);
  });

  afterAll(async () => {
    await booted?.close();
    for (const fake of [openai, taskModel, ollama]) await fake?.close();
  });

  beforeEach(() => {
    openai.behaviour.tokenDelayMs = 0;
    openai.behaviour.failStatus = undefined;
  });

  it('answers at once, streams cumulative content to the owner and saves the message once', async () => {
    openai.behaviour.tokenDelayMs = 100;
    const chat = await createChat(booted.http, user, 'gpt-4o');
    const save = vi.spyOn(booted.app.get(ChatsService), 'saveAssistantMessage');
    const body = taskBody(chat.id, 'gpt-4o');
    const response = await start(user, body).expect(200);
    // The answer comes before the generation: nothing has been streamed yet.
    expect(response.body).toEqual({
      status: true,
      task_ids: [expect.any(String)],
      chat_id: chat.id,
    });
    expect(completionEvents(body.id)).toEqual([]);

    const last = await finished(body.id);
    const contents = completionEvents(body.id).map((entry) => entry.payload.data.data.content);
    expect(contents).toEqual([
      'Hel',
      'Hello',
      'Hello wor',
      'Hello world',
      'Hello world!',
      'Hello world!',
    ]);
    expect(last.userId).toBe(user.id);
    expect(last.event).toBe('events');
    expect(last.payload).toMatchObject({ chat_id: chat.id, message_id: body.id });
    expect(last.payload.data.data).toMatchObject({
      done: true,
      content: 'Hello world!',
      usage: { prompt_tokens: 12, completion_tokens: 5 },
    });
    expect(save.mock.calls.filter((call) => call[2] === body.id)).toHaveLength(1);
    save.mockRestore();
    const saved = await chatMessage(booted.http, user, chat.id, body.id);
    expect(saved).toMatchObject({
      role: 'assistant',
      content: 'Hello world!',
      done: true,
      model: 'gpt-4o',
    });
    // The relay got a plain OpenAI request: streamed, no Open WebUI fields.
    const forwarded = openai.requests.at(-1)!.body;
    expect(forwarded.stream).toBe(true);
    expect(forwarded.session_id).toBeUndefined();
    expect(forwarded.chat_id).toBeUndefined();
  });

  it('batches emits by stream_delta_chunk_size (params or body)', async () => {
    const chat = await createChat(booted.http, user, 'gpt-4o');
    const inParams = taskBody(chat.id, 'gpt-4o', { params: { stream_delta_chunk_size: 2 } });
    await start(user, inParams).expect(200);
    await finished(inParams.id);
    expect(completionEvents(inParams.id).map((entry) => entry.payload.data.data.content)).toEqual([
      'Hello',
      'Hello world',
      'Hello world!',
    ]);
    const inBody = taskBody(chat.id, 'gpt-4o', { stream_delta_chunk_size: 10 });
    await start(user, inBody).expect(200);
    await finished(inBody.id);
    expect(completionEvents(inBody.id)).toHaveLength(1);
  });

  it('runs Ollama models through the OpenAI conversion', async () => {
    const chat = await createChat(booted.http, user, 'llama3:latest');
    const body = taskBody(chat.id, 'llama3:latest');
    await start(user, body).expect(200);
    const last = await finished(body.id);
    expect(last.payload.data.data).toMatchObject({ done: true, content: 'Ollama' });
    expect(last.payload.data.data.usage).toMatchObject({ prompt_tokens: 12, completion_tokens: 3 });
    expect((await chatMessage(booted.http, user, chat.id, body.id))?.content).toBe('Ollama');
  });

  it('fans out to one task per model with message_ids', async () => {
    const chat = await createChat(booted.http, user, 'gpt-4o');
    const body = taskBody(chat.id, 'gpt-4o', {
      message_ids: [
        { model_id: 'gpt-4o', message_id: 'reply-openai' },
        { model_id: 'llama3:latest', message_id: 'reply-ollama' },
      ],
    });
    const response = await start(user, body).expect(200);
    expect(response.body.task_ids).toHaveLength(2);
    await finished('reply-openai');
    await finished('reply-ollama');
    expect((await chatMessage(booted.http, user, chat.id, 'reply-openai'))?.content).toBe(
      'Hello world!',
    );
    expect(await chatMessage(booted.http, user, chat.id, 'reply-ollama')).toMatchObject({
      content: 'Ollama',
      model: 'llama3:latest',
    });
  });

  it('generates follow-ups, title and tags with the task model and saves them', async () => {
    const chat = await createChat(booted.http, user, 'gpt-4o');
    const body = taskBody(chat.id, 'gpt-4o', {
      background_tasks: {
        title_generation: true,
        tags_generation: true,
        follow_up_generation: true,
      },
    });
    const before = taskModel.requests.length;
    await start(user, body).expect(200);
    const tags = await waitFor(
      () => eventsOf(events, body.id, 'chat:tags')[0],
      10_000,
      'chat:tags',
    );
    expect(tags.payload.data.data).toEqual(['Social', 'Small talk']);
    expect(eventsOf(events, body.id, 'chat:title')[0].payload.data.data).toBe('Friendly greeting');
    expect(eventsOf(events, body.id, 'chat:message:follow_ups')[0].payload.data.data).toEqual({
      follow_ups: ['How are you?'],
    });
    // The task model answered all three, without streaming, with the conversation in the prompt.
    const asked = taskModel.requests
      .slice(before)
      .filter((request) => request.path === '/chat/completions');
    expect(asked).toHaveLength(3);
    expect(asked[0].body.stream).toBe(false);
    expect(asked[0].body.model).toBe('task-model');
    expect(asked[1].body.messages[0].content).toContain('ASSISTANT: Hello world!');

    const read = await booted.http
      .get(`/api/v1/chats/${chat.id}`)
      .set(...bearer(user))
      .expect(200);
    expect(read.body.title).toBe('Friendly greeting');
    expect(read.body.chat.history.messages[body.id].followUps).toEqual(['How are you?']);
    const chatTags = await booted.http
      .get(`/api/v1/chats/${chat.id}/tags`)
      .set(...bearer(user))
      .expect(200);
    expect(chatTags.body.map((tag: any) => tag.name).sort()).toEqual(['Small talk', 'Social']);
  });

  it('sends chat:message:error and saves the error on the message when the upstream fails', async () => {
    openai.behaviour.failStatus = 429;
    const chat = await createChat(booted.http, user, 'gpt-4o');
    const body = taskBody(chat.id, 'gpt-4o');
    await start(user, body).expect(200);
    const error = await waitFor(() => eventsOf(events, body.id, 'chat:message:error')[0]);
    expect(error.payload.data.data).toEqual({ error: { content: 'rate limited' }, done: true });
    expect(eventsOf(events, body.id, 'chat:tasks:cancel')).toHaveLength(1);
    const saved = await waitFor(async () => {
      const message = await chatMessage(booted.http, user, chat.id, body.id);
      return message?.error ? message : undefined;
    });
    expect(saved).toMatchObject({ error: { content: 'rate limited' }, done: true });
  });

  it('refuses up front: unknown model 400, a chat that is not yours 404', async () => {
    const chat = await createChat(booted.http, user, 'gpt-4o');
    await start(user, taskBody(chat.id, 'nope')).expect(400, { detail: 'Model not found' });
    const refused = await start(other, taskBody(chat.id, 'gpt-4o')).expect(404);
    expect(refused.body.detail).toEqual(expect.any(String));
  });

  it('stops mid-stream: aborts the upstream at once and saves the partial reply', async () => {
    openai.behaviour.tokenDelayMs = 150;
    openai.behaviour.tokens = Array.from({ length: 30 }, (_, index) => `t${index} `);
    try {
      const chat = await createChat(booted.http, user, 'gpt-4o');
      const body = taskBody(chat.id, 'gpt-4o');
      const aborted = openai.abortedStreams;
      const [taskId] = (await start(user, body).expect(200)).body.task_ids;
      await waitFor(() => completionEvents(body.id).length >= 2, 10_000, 'two tokens');

      const listed = await booted.http
        .get('/api/tasks')
        .set(...bearer(user))
        .expect(200);
      expect(listed.body.tasks).toContain(taskId);
      const byChat = await booted.http
        .get(`/api/tasks/chat/${chat.id}`)
        .set(...bearer(user))
        .expect(200);
      expect(byChat.body).toEqual({ task_ids: [taskId] });
      // Someone else's task: invisible, and it cannot be stopped.
      expect(
        (
          await booted.http
            .get('/api/tasks')
            .set(...bearer(other))
            .expect(200)
        ).body.tasks,
      ).not.toContain(taskId);
      expect(
        (
          await booted.http
            .get(`/api/tasks/chat/${chat.id}`)
            .set(...bearer(other))
            .expect(200)
        ).body,
      ).toEqual({ task_ids: [] });
      await booted.http
        .post(`/api/tasks/stop/${taskId}`)
        .set(...bearer(other))
        .expect(404);
      await booted.http
        .post(`/api/tasks/chat/${chat.id}/stop`)
        .set(...bearer(other))
        .expect(404);
      expect(
        (
          await booted.http
            .get('/api/tasks')
            .set(...bearer(admin))
            .expect(200)
        ).body.tasks,
      ).toContain(taskId);

      const stoppedAt = Date.now();
      const stop = await booted.http
        .post(`/api/tasks/stop/${taskId}`)
        .set(...bearer(user))
        .expect(200);
      expect(stop.body).toEqual({ status: true, message: `Task ${taskId} stopped.` });
      // At once: the remaining 28 tokens would take over 4 s.
      expect(Date.now() - stoppedAt).toBeLessThan(3_000);
      await waitFor(() => openai.abortedStreams > aborted, 2_000, 'the upstream abort');

      const saved = await chatMessage(booted.http, user, chat.id, body.id);
      const streamed = completionEvents(body.id).at(-1)!.payload.data.data;
      expect(streamed.done).toBe(true);
      expect(saved?.content).toBe(streamed.content);
      expect(saved?.content).toMatch(/^t0 t1 /);
      expect(saved?.content.length).toBeLessThan(openai.behaviour.tokens.join('').length);
      expect(eventsOf(events, body.id, 'chat:tasks:cancel')).toHaveLength(1);
      expect(
        (
          await booted.http
            .get('/api/tasks')
            .set(...bearer(admin))
            .expect(200)
        ).body.tasks,
      ).not.toContain(taskId);
      await booted.http
        .post(`/api/tasks/stop/${taskId}`)
        .set(...bearer(user))
        .expect(404, {
          detail: `Task with ID ${taskId} not found.`,
        });
    } finally {
      openai.behaviour.tokens = ['Hel', 'lo', ' wor', 'ld', '!'];
    }
  });

  it('stops every task of a chat through /api/tasks/chat/{id}/stop', async () => {
    openai.behaviour.tokenDelayMs = 200;
    const chat = await createChat(booted.http, user, 'gpt-4o');
    const body = taskBody(chat.id, 'gpt-4o');
    await start(user, body).expect(200);
    await waitFor(() => completionEvents(body.id).length >= 1, 10_000, 'the first token');
    const stop = await booted.http
      .post(`/api/tasks/chat/${chat.id}/stop`)
      .set(...bearer(user))
      .expect(200);
    expect(stop.body).toEqual({ status: true, message: `All tasks for item ${chat.id} stopped.` });
    expect((await chatMessage(booted.http, user, chat.id, body.id))?.content).toMatch(/^Hel/);
    const again = await booted.http
      .post(`/api/tasks/chat/${chat.id}/stop`)
      .set(...bearer(user))
      .expect(200);
    expect(again.body).toEqual({ status: true, message: `No tasks found for item ${chat.id}.` });
  });

  it('keeps the synchronous mode without session_id', async () => {
    const response = await start(user, {
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'x' }],
      chat_id: 'c',
    }).expect(200);
    expect(response.body.choices[0].message.content).toBe('Hello world!');
  });
});
