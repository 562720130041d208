import { describe, expect, it } from 'vitest';
import type { ChatRecord } from './chat.model.js';
import { chatStatsExport, chatUsageStats, currentBranch } from './chat-stats.js';

const messages = {
  u1: { id: 'u1', parentId: null, role: 'user', content: 'hello', timestamp: 100 },
  a1: { id: 'a1', parentId: 'u1', role: 'assistant', model: 'm1', content: 'hi!', timestamp: 104 },
  a2: {
    id: 'a2',
    parentId: 'u1',
    role: 'assistant',
    model: 'm2',
    content: [{ type: 'text', text: 'yo' }],
    timestamp: 110,
    annotation: { rating: 1 },
  },
};

const chat: ChatRecord = {
  id: 'c1',
  userId: 'owner',
  title: 'T',
  chat: { history: { messages, currentId: 'a2' } },
  shareId: null,
  archived: false,
  pinned: false,
  folderId: null,
  meta: { tags: ['work'] },
  createdAt: 1,
  updatedAt: 2,
};

describe('chat stats', () => {
  it('follows the current branch without looping on a cycle', () => {
    expect(currentBranch(messages, 'a2').map((message) => message.id)).toEqual(['u1', 'a2']);
    const looped = { x: { id: 'x', parentId: 'y' }, y: { id: 'y', parentId: 'x' } };
    expect(currentBranch(looped, 'x').map((message) => message.id)).toEqual(['y', 'x']);
  });

  it('computes usage figures over the whole tree and the current branch', () => {
    expect(chatUsageStats(chat)).toEqual({
      id: 'c1',
      models: { m2: 1 },
      message_count: 2,
      history_models: { m1: 1, m2: 1 },
      history_message_count: 3,
      history_user_message_count: 1,
      history_assistant_message_count: 2,
      average_response_time: 7,
      average_user_message_content_length: 5,
      average_assistant_message_content_length: 2.5,
      tags: ['work'],
      last_message_at: 110,
      updated_at: 2,
      created_at: 1,
    });
    expect(chatUsageStats({ ...chat, chat: { title: 'no history' } })).toBeUndefined();
  });

  it('exports per-message figures without message text', () => {
    const exported = chatStatsExport(chat);
    expect(exported.chat.history.currentId).toBe('a2');
    expect(exported.chat.history.messages.a2).toEqual({
      id: 'a2',
      role: 'assistant',
      model: 'm2',
      timestamp: 110,
      content_length: 2,
      token_count: null,
      rating: 1,
      tags: null,
    });
    expect(JSON.stringify(exported)).not.toContain('hello');
  });
});
