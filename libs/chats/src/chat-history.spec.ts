import { describe, expect, it } from 'vitest';
import { historyMessages, searchTextOf, titleOf, upsertHistoryMessage } from './chat-history.js';

const chat = {
  title: 'Hello',
  history: {
    currentId: 'u1',
    messages: {
      u1: { id: 'u1', parentId: null, childrenIds: ['a1'], role: 'user', content: 'Hi THERE' },
      a1: {
        id: 'a1',
        parentId: 'u1',
        childrenIds: [],
        role: 'assistant',
        content: '',
        done: false,
      },
    },
  },
  messages: [
    { id: 'u1', role: 'user', content: 'Hi THERE' },
    { id: 'a1', role: 'assistant', content: '' },
  ],
};

describe('history tree updates', () => {
  it('merges fields into an existing message and makes it current', () => {
    const next = upsertHistoryMessage(chat, 'a1', { content: 'Hello!', done: true });
    const messages = historyMessages(next);
    expect(messages.a1).toEqual({
      id: 'a1',
      parentId: 'u1',
      childrenIds: [],
      role: 'assistant',
      content: 'Hello!',
      done: true,
    });
    expect((next.history as { currentId: string }).currentId).toBe('a1');
    expect(messages.u1).toBe(chat.history.messages.u1);
    expect((next.messages as { content: string }[])[1].content).toBe('Hello!');
    // The input is untouched.
    expect(chat.history.messages.a1.content).toBe('');
  });

  it('creates the message and the tree when absent', () => {
    const next = upsertHistoryMessage({ title: 'x' }, 'm9', { content: 'new' });
    expect(historyMessages(next)).toEqual({ m9: { id: 'm9', content: 'new' } });
    expect(next.messages).toBeUndefined();
  });

  it('ignores a malformed history instead of failing', () => {
    const next = upsertHistoryMessage({ history: 'broken' }, 'm1', { content: 'c' });
    expect(historyMessages(next)).toEqual({ m1: { id: 'm1', content: 'c' } });
  });
});

describe('search text', () => {
  it('collects lowercased message text, multimodal parts included', () => {
    const text = searchTextOf({
      history: {
        messages: {
          a: { content: 'Hi THERE' },
          b: { content: [{ type: 'text', text: 'Look At' }, { type: 'image_url' }] },
          c: { content: 42 },
        },
      },
    });
    expect(text).toBe('hi there\nlook at');
  });

  it('falls back to the linear list', () => {
    expect(searchTextOf({ messages: [{ content: 'Only Linear' }] })).toBe('only linear');
    expect(searchTextOf({})).toBe('');
  });

  it('takes the title from the chat JSON', () => {
    expect(titleOf({ title: 'T' })).toBe('T');
    expect(titleOf({ title: 3 })).toBe('New Chat');
  });
});
