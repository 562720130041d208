/* eslint-disable @typescript-eslint/no-explicit-any -- socket payloads and chat JSON are free-form */
/**
 * Helpers of the chat task suites (test/chat-tasks*.e2e-spec.ts): a recorder of what the task
 * pipeline emits (the app's RealtimeEmitter spied on, so the real wiring is kept), chat
 * creation, and polling.
 */
import { randomUUID } from 'node:crypto';
import { vi } from 'vitest';
import type TestAgent from 'supertest/lib/agent.js';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { RealtimeEmitter } from '@atrium/realtime';
import { bearer, type Account } from './auth-fixtures.js';

export interface RecordedEvent {
  userId: string;
  event: string;
  payload: { chat_id: string; message_id: string; data: { type: string; data: any } };
}

/** Records every emit of the app (and still lets the real emitter run). */
export function recordEmits(app: NestExpressApplication): RecordedEvent[] {
  const emitter = app.get(RealtimeEmitter);
  const events: RecordedEvent[] = [];
  const original = emitter.emitToUser.bind(emitter);
  vi.spyOn(emitter, 'emitToUser').mockImplementation((userId, event, payload) => {
    events.push({ userId, event, payload });
    original(userId, event, payload);
  });
  return events;
}

export function eventsOf(events: RecordedEvent[], messageId: string, type?: string) {
  return events.filter(
    (entry) =>
      entry.payload.message_id === messageId &&
      (type === undefined || entry.payload.data.type === type),
  );
}

export async function waitFor<T>(
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A saved chat with one user message, as the UI creates it before asking for a reply. */
export async function createChat(http: TestAgent, owner: Account, model: string) {
  const userMessageId = randomUUID();
  const response = await http
    .post('/api/v1/chats/new')
    .set(...bearer(owner))
    .send({
      chat: {
        title: 'New Chat',
        models: [model],
        history: {
          currentId: userMessageId,
          messages: {
            [userMessageId]: {
              id: userMessageId,
              role: 'user',
              content: 'hi there',
              parentId: null,
            },
          },
        },
      },
    });
  if (response.status !== 200) throw new Error(`chat creation answered ${response.status}`);
  return { id: response.body.id as string, userMessageId };
}

export async function chatMessage(
  http: TestAgent,
  owner: Account,
  chatId: string,
  messageId: string,
) {
  const response = await http.get(`/api/v1/chats/${chatId}`).set(...bearer(owner));
  return response.body?.chat?.history?.messages?.[messageId] as Record<string, any> | undefined;
}

/** The body the UI sends in task mode for one model. */
export function taskBody(chatId: string, model: string, extra: Record<string, unknown> = {}) {
  return {
    model,
    messages: [{ role: 'user', content: 'hi there' }],
    stream: true,
    session_id: 'sid-' + randomUUID().slice(0, 8),
    chat_id: chatId,
    id: randomUUID(),
    ...extra,
  };
}
