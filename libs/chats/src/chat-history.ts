import type { ChatJson } from './chat.model.js';

type Message = Record<string, unknown>;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The history tree's message map (`history.messages`), or an empty one. */
export function historyMessages(chat: ChatJson): Record<string, Message> {
  const history = chat.history;
  if (!isRecord(history) || !isRecord(history.messages)) return {};
  return history.messages as Record<string, Message>;
}

/**
 * Merges `fields` into one message of the history tree (creating it when absent) and makes it
 * the current leaf, as Open WebUI does. The linear `messages` copy is patched too when it holds
 * that message. Returns a new chat object; the input is not changed.
 */
export function upsertHistoryMessage(chat: ChatJson, messageId: string, fields: Message): ChatJson {
  const history = isRecord(chat.history) ? chat.history : {};
  const messages = historyMessages(chat);
  const existing = messages[messageId] ?? {};
  const merged = { ...existing, ...fields, id: messageId };
  const next: ChatJson = {
    ...chat,
    history: { ...history, messages: { ...messages, [messageId]: merged }, currentId: messageId },
  };
  if (Array.isArray(chat.messages)) {
    next.messages = chat.messages.map((message: unknown) =>
      isRecord(message) && message.id === messageId ? { ...message, ...fields } : message,
    );
  }
  return next;
}

/** The text of one message's content: a string, or the text parts of a multimodal list. */
function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part: unknown) => (isRecord(part) && typeof part.text === 'string' ? part.text : ''))
    .filter((text) => text.length > 0)
    .join(' ');
}

/**
 * The lowercased text search looks in: every message of the history tree (or of the linear
 * list for chats without a tree). Computed on write so searches never parse chat JSON.
 */
export function searchTextOf(chat: ChatJson): string {
  let messages: unknown[] = Object.values(historyMessages(chat));
  if (messages.length === 0 && Array.isArray(chat.messages)) messages = chat.messages;
  return messages
    .map((message) => (isRecord(message) ? contentText(message.content) : ''))
    .filter((text) => text.length > 0)
    .join('\n')
    .toLowerCase();
}

/** The title a chat JSON names, Open WebUI's "New Chat" when it names none. */
export function titleOf(chat: ChatJson): string {
  return typeof chat.title === 'string' ? chat.title : 'New Chat';
}
