import { describe, expect, it } from 'vitest';
import { Clock } from '@atrium/common';
import type { RedisTaskStore } from './redis-task-store.js';
import type { TaskInfo } from './task-info.js';
import { TaskRegistry } from './task-registry.js';

/** A store standing for Redis shared by several registries (or for none). */
function sharedStore(enabled: boolean) {
  const entries = new Map<string, TaskInfo>();
  const listeners: ((taskId: string) => void)[] = [];
  const store = {
    enabled,
    save: (tasks: TaskInfo[]) => {
      if (enabled) for (const task of tasks) entries.set(task.id, task);
      return Promise.resolve();
    },
    remove: (task: TaskInfo) => {
      entries.delete(task.id);
      return Promise.resolve();
    },
    get: (id: string) => Promise.resolve(entries.get(id)),
    list: (_now: number, chatId?: string) =>
      Promise.resolve([...entries.values()].filter((task) => !chatId || task.chatId === chatId)),
    publishStop: (id: string) => {
      if (!enabled) return Promise.resolve(false);
      for (const listener of listeners) listener(id);
      return Promise.resolve(true);
    },
    onStop: (handler: (taskId: string) => void) => {
      listeners.push(handler);
      return Promise.resolve();
    },
  };
  return store as unknown as RedisTaskStore;
}

/** A task that runs until aborted, then takes a moment to "save". */
function untilAborted(controller: AbortController, log: string[]) {
  return () =>
    new Promise<void>((resolve) => {
      controller.signal.addEventListener('abort', () => {
        setTimeout(() => {
          log.push('saved');
          resolve();
        }, 20);
      });
    });
}

describe('TaskRegistry', () => {
  it('runs, lists, stops (waiting for the save) and forgets a local task', async () => {
    const registry = new TaskRegistry(sharedStore(false), new Clock());
    await registry.onModuleInit();
    const controller = new AbortController();
    const log: string[] = [];
    const task = await registry.start(
      { id: 't1', chatId: 'c1', messageId: 'm1', userId: 'u1' },
      controller,
      untilAborted(controller, log),
    );
    expect(task.instanceId).toBe(registry.instanceId);
    expect((await registry.list()).map((entry) => entry.id)).toEqual(['t1']);
    expect(await registry.list('other')).toEqual([]);
    expect(await registry.stop(task)).toBe(true);
    expect(log).toEqual(['saved']);
    expect(await registry.list()).toEqual([]);
    expect(await registry.find('t1')).toBeUndefined();
  });

  it('reaches a task on another instance through the shared store', async () => {
    const store = sharedStore(true);
    const owner = new TaskRegistry(store, new Clock());
    const other = new TaskRegistry(store, new Clock());
    await owner.onModuleInit();
    await other.onModuleInit();
    const controller = new AbortController();
    const log: string[] = [];
    await owner.start(
      { id: 't2', chatId: 'c2', messageId: 'm2', userId: 'u2' },
      controller,
      untilAborted(controller, log),
    );
    const seen = await other.find('t2');
    expect(seen?.instanceId).toBe(owner.instanceId);
    expect((await other.list('c2')).map((entry) => entry.id)).toEqual(['t2']);
    expect(await other.stop(seen!)).toBe(true);
    expect(controller.signal.aborted).toBe(true);
    expect(log).toEqual(['saved']);
    await owner.beforeApplicationShutdown();
    await other.beforeApplicationShutdown();
  });

  it('cannot stop a task it does not run when nothing is shared', async () => {
    const registry = new TaskRegistry(sharedStore(false), new Clock());
    const ghost: TaskInfo = {
      id: 'x',
      chatId: 'c',
      messageId: 'm',
      userId: 'u',
      instanceId: 'elsewhere',
      createdAt: 0,
    };
    expect(await registry.stop(ghost)).toBe(false);
  });
});
