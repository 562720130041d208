import { describe, expect, it } from 'vitest';
import {
  backgroundTasksOf,
  chunkSizeOf,
  generationTargets,
  isTaskRequest,
  isTemporaryChat,
} from './task-request.js';

describe('task request fields (§5.1)', () => {
  it('switches to task mode only with both session_id and chat_id', () => {
    expect(isTaskRequest({ session_id: 's', chat_id: 'c' })).toBe(true);
    expect(isTaskRequest({ session_id: 's' })).toBe(false);
    expect(isTaskRequest({ chat_id: 'c' })).toBe(false);
    expect(isTaskRequest({ session_id: '', chat_id: 'c' })).toBe(false);
  });

  it('reads the targets from message_ids (list or map), else model + id', () => {
    expect(
      generationTargets({
        model: 'x',
        message_ids: [
          { model_id: 'a', message_id: '1' },
          { model_id: 'b', message_id: '2', modelIdx: 1 },
          { model_id: 'c' },
        ],
      }),
    ).toEqual([
      { model: 'a', messageId: '1' },
      { model: 'b', messageId: '2' },
    ]);
    expect(generationTargets({ message_ids: { a: '1' } })).toEqual([
      { model: 'a', messageId: '1' },
    ]);
    expect(generationTargets({ model: 'm', id: 'i' })).toEqual([{ model: 'm', messageId: 'i' }]);
    expect(generationTargets({ model: 'm', assistant_message_id: 'r' })).toEqual([
      { model: 'm', messageId: 'r' },
    ]);
    expect(generationTargets({ model: 'm' })[0].messageId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('takes stream_delta_chunk_size from params, then the body, else the default', () => {
    expect(chunkSizeOf({ params: { stream_delta_chunk_size: 3 } }, 1)).toBe(3);
    expect(chunkSizeOf({ stream_delta_chunk_size: '4' }, 1)).toBe(4);
    expect(chunkSizeOf({ params: { stream_delta_chunk_size: 0 } }, 2)).toBe(2);
    expect(chunkSizeOf({}, 5)).toBe(5);
  });

  it('reads background_tasks and temporary chats', () => {
    expect(backgroundTasksOf({ background_tasks: { title_generation: true } })).toEqual({
      title: true,
      tags: false,
      followUps: false,
    });
    expect(backgroundTasksOf({})).toEqual({ title: false, tags: false, followUps: false });
    expect(isTemporaryChat('local:abc')).toBe(true);
    expect(isTemporaryChat('0b7c')).toBe(false);
  });
});
