import { historyMessages } from './chat-history.js';
import type { ChatRecord } from './chat.model.js';

/**
 * Usage statistics of a chat's history tree, as Open WebUI's experimental /stats routes report
 * them (field names are its own). Pure: computed from the stored chat JSON.
 */

type Message = Record<string, unknown>;

/** One item of GET /stats/usage. */
export interface ChatUsageStats {
  id: string;
  models: Record<string, number>;
  message_count: number;
  history_models: Record<string, number>;
  history_message_count: number;
  history_user_message_count: number;
  history_assistant_message_count: number;
  average_response_time: number;
  average_user_message_content_length: number;
  average_assistant_message_content_length: number;
  tags: unknown[];
  last_message_at: unknown;
  updated_at: number;
  created_at: number;
}

/** One item of GET /stats/export and the answer of /stats/export/{chat_id}. */
export interface ChatStatsExport {
  id: string;
  user_id: string;
  created_at: number;
  updated_at: number;
  tags: unknown[];
  stats: Omit<ChatUsageStats, 'id' | 'tags' | 'last_message_at' | 'updated_at' | 'created_at'>;
  chat: {
    history: {
      messages: Record<string, MessageStats>;
      currentId: string | null;
    };
  };
}

export interface MessageStats {
  id: unknown;
  role: unknown;
  model: unknown;
  timestamp: unknown;
  content_length: number;
  token_count: null;
  rating: unknown;
  tags: unknown;
}

/** The current branch: from the root to `currentId` following parentId links. */
export function currentBranch(messages: Record<string, Message>, currentId: unknown): Message[] {
  const branch: Message[] = [];
  const seen = new Set<string>();
  let id = typeof currentId === 'string' ? currentId : undefined;
  while (id !== undefined && messages[id] !== undefined && !seen.has(id)) {
    seen.add(id);
    const message = messages[id];
    branch.push(message);
    id = typeof message.parentId === 'string' ? message.parentId : undefined;
  }
  return branch.reverse();
}

/** GET /stats/usage item; undefined for a chat without a history tree (Open WebUI skips it). */
export function chatUsageStats(chat: ChatRecord): ChatUsageStats | undefined {
  const messages = historyMessages(chat.chat);
  const currentId = currentIdOf(chat);
  if (Object.keys(messages).length === 0 || currentId === null) return undefined;
  const stats = aggregateStats(messages, currentId);
  const branch = currentBranch(messages, currentId);
  return {
    id: chat.id,
    ...stats,
    tags: tagsOf(chat),
    last_message_at: branch.at(-1)?.timestamp ?? null,
    updated_at: chat.updatedAt,
    created_at: chat.createdAt,
  };
}

/** GET /stats/export item: the aggregate plus per-message figures (never the text). */
export function chatStatsExport(chat: ChatRecord): ChatStatsExport {
  const messages = historyMessages(chat.chat);
  const currentId = currentIdOf(chat);
  const exported: Record<string, MessageStats> = {};
  for (const [key, message] of Object.entries(messages)) {
    if (!isRecord(message)) continue;
    const annotation = isRecord(message.annotation) ? message.annotation : {};
    exported[key] = {
      id: message.id ?? null,
      role: message.role ?? null,
      model: message.model ?? null,
      timestamp: message.timestamp ?? null,
      content_length: contentLength(message.content),
      token_count: null,
      rating: annotation.rating ?? null,
      tags: annotation.tags ?? null,
    };
  }
  return {
    id: chat.id,
    user_id: chat.userId,
    created_at: chat.createdAt,
    updated_at: chat.updatedAt,
    tags: tagsOf(chat),
    stats: aggregateStats(messages, currentId),
    chat: { history: { messages: exported, currentId } },
  };
}

function aggregateStats(
  messages: Record<string, Message>,
  currentId: string | null,
): ChatStatsExport['stats'] {
  const all = Object.values(messages).filter(isRecord);
  const users = all.filter((message) => message.role === 'user');
  const assistants = all.filter((message) => message.role === 'assistant');
  const responseTimes: number[] = [];
  for (const message of assistants) {
    const parent = typeof message.parentId === 'string' ? messages[message.parentId] : undefined;
    const answered = message.timestamp;
    const asked = parent?.timestamp;
    if (typeof answered === 'number' && typeof asked === 'number' && answered && asked)
      responseTimes.push(answered - asked);
  }
  const branch = currentBranch(messages, currentId);
  return {
    models: countModels(branch),
    message_count: branch.length,
    history_models: countModels(assistants),
    history_message_count: all.length,
    history_user_message_count: users.length,
    history_assistant_message_count: assistants.length,
    average_response_time: average(responseTimes),
    average_user_message_content_length: average(users.map((m) => contentLength(m.content))),
    average_assistant_message_content_length: average(
      assistants.map((m) => contentLength(m.content)),
    ),
  };
}

function countModels(messages: Message[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const message of messages) {
    if (message.role !== 'assistant' || typeof message.model !== 'string' || !message.model)
      continue;
    counts[message.model] = (counts[message.model] ?? 0) + 1;
  }
  return counts;
}

function contentLength(content: unknown): number {
  if (typeof content === 'string') return content.length;
  if (!Array.isArray(content)) return 0;
  return content.reduce<number>(
    (total, part: unknown) =>
      total +
      (isRecord(part) && part.type === 'text' && typeof part.text === 'string'
        ? part.text.length
        : 0),
    0,
  );
}

function average(values: number[]): number {
  return values.length === 0 ? 0 : values.reduce((sum, value) => sum + value, 0) / values.length;
}

function currentIdOf(chat: ChatRecord): string | null {
  const history = chat.chat.history;
  const id = isRecord(history) ? history.currentId : undefined;
  return typeof id === 'string' && id !== '' ? id : null;
}

function tagsOf(chat: ChatRecord): unknown[] {
  return Array.isArray(chat.meta.tags) ? chat.meta.tags : [];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
