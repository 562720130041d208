import { newId } from '@atrium/common';
import type { BackgroundTaskRequest } from './chat-task.js';

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nonEmpty(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}

/** §5.2: `session_id` together with `chat_id` switches POST /api/chat/completions to task mode. */
export function isTaskRequest(body: Json): boolean {
  return nonEmpty(body.session_id) && nonEmpty(body.chat_id);
}

export interface GenerationTarget {
  model: string;
  messageId: string;
}

/**
 * The model/message pairs to generate: [N] `message_ids` (`[{model_id, message_id}]` or the
 * older `{model_id: message_id}` map), else the body's `model` into `id` (or
 * `assistant_message_id`; a fresh id when neither is given).
 */
export function generationTargets(body: Json): GenerationTarget[] {
  const listed = body.message_ids;
  if (Array.isArray(listed)) {
    const targets = listed.flatMap((entry: unknown) =>
      isObject(entry) && nonEmpty(entry.model_id) && nonEmpty(entry.message_id)
        ? [{ model: entry.model_id, messageId: entry.message_id }]
        : [],
    );
    if (targets.length > 0) return targets;
  } else if (isObject(listed)) {
    const targets = Object.entries(listed).flatMap(([model, messageId]) =>
      nonEmpty(messageId) ? [{ model, messageId }] : [],
    );
    if (targets.length > 0) return targets;
  }
  const model = nonEmpty(body.model) ? body.model : '';
  const messageId = [body.id, body.assistant_message_id].find(nonEmpty) ?? newId();
  return [{ model, messageId }];
}

/** `stream_delta_chunk_size` from `params` or the body; `fallback` when absent or invalid. */
export function chunkSizeOf(body: Json, fallback: number): number {
  const params = isObject(body.params) ? body.params : {};
  for (const value of [params.stream_delta_chunk_size, body.stream_delta_chunk_size]) {
    const size = typeof value === 'string' ? Number(value) : value;
    if (typeof size === 'number' && Number.isInteger(size) && size >= 1) return size;
  }
  return fallback;
}

export function backgroundTasksOf(body: Json): BackgroundTaskRequest {
  const asked = isObject(body.background_tasks) ? body.background_tasks : {};
  return {
    title: asked.title_generation === true,
    tags: asked.tags_generation === true,
    followUps: asked.follow_up_generation === true,
  };
}

/** Temporary chats (`local:<socket id>`) have no chat row: nothing is saved for them. */
export function isTemporaryChat(chatId: string): boolean {
  return chatId.startsWith('local:');
}
