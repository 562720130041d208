import { describe, expect, it } from 'vitest';
import { ChatWriteQueue } from './chat-write-queue.js';

describe('ChatWriteQueue', () => {
  it('runs writes to one chat in order, others in parallel, and survives a failing write', async () => {
    const queue = new ChatWriteQueue();
    const log: string[] = [];
    const slow = (name: string, ms: number) => () =>
      new Promise<string>((resolve) =>
        setTimeout(() => {
          log.push(name);
          resolve(name);
        }, ms),
      );
    const first = queue.run('c1', slow('c1-a', 30));
    const failing = queue.run('c1', () => Promise.reject(new Error('boom')));
    const second = queue.run('c1', slow('c1-b', 1));
    const other = queue.run('c2', slow('c2', 5));
    await expect(failing).rejects.toThrow('boom');
    expect(await Promise.all([first, second, other])).toEqual(['c1-a', 'c1-b', 'c2']);
    expect(log).toEqual(['c2', 'c1-a', 'c1-b']);
  });
});
