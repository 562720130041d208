import { Injectable, Logger } from '@nestjs/common';
import { RedisConnection } from '@atrium/redis';
import type { TaskInfo } from './task-info.js';

/** How long a task entry lives without a refresh: an instance that dies leaves nothing behind. */
export const TASK_ENTRY_TTL_MS = 60_000;
const COMMANDS_CHANNEL = 'tasks:commands';

interface StopCommand {
  action: 'stop';
  task_id: string;
}

/**
 * The shared side of the task registry. Each task is a key with an expiry
 * (`{prefix}:tasks:task:{id}`), indexed in two sorted sets scored by expiry time (all tasks,
 * and per chat), so lists skip entries whose owner stopped refreshing them. Stop commands go
 * out on `{prefix}:tasks:commands`. Every call degrades to "nothing shared" when Redis is off
 * or unreachable (commands fail fast; see RedisConnection), with one warning per outage.
 */
@Injectable()
export class RedisTaskStore {
  private readonly logger = new Logger('Tasks');
  private failing = false;

  constructor(private readonly redis: RedisConnection) {}

  get enabled(): boolean {
    return this.redis.enabled;
  }

  /** Writes or refreshes the entries of `tasks`, extending their expiry. */
  async save(tasks: TaskInfo[], now: number): Promise<void> {
    const client = this.redis.client;
    if (!client || tasks.length === 0) return;
    const expiresAt = now + TASK_ENTRY_TTL_MS;
    const batch = client.multi();
    for (const task of tasks) {
      batch.set(this.taskKey(task.id), JSON.stringify(task), 'PX', TASK_ENTRY_TTL_MS);
      batch.zadd(this.indexKey(), expiresAt, task.id);
      batch.zadd(this.chatKey(task.chatId), expiresAt, task.id);
      batch.pexpire(this.chatKey(task.chatId), TASK_ENTRY_TTL_MS);
    }
    batch.pexpire(this.indexKey(), TASK_ENTRY_TTL_MS);
    await this.attempt('save tasks', () => batch.exec(), undefined);
  }

  async remove(task: TaskInfo): Promise<void> {
    const client = this.redis.client;
    if (!client) return;
    await this.attempt(
      'remove a task',
      () =>
        client
          .multi()
          .del(this.taskKey(task.id))
          .zrem(this.indexKey(), task.id)
          .zrem(this.chatKey(task.chatId), task.id)
          .exec(),
      undefined,
    );
  }

  async get(taskId: string): Promise<TaskInfo | undefined> {
    const client = this.redis.client;
    if (!client) return undefined;
    const text = await this.attempt('read a task', () => client.get(this.taskKey(taskId)), null);
    return text ? parseTask(text) : undefined;
  }

  /** Live tasks of every instance (or of one chat). */
  async list(now: number, chatId?: string): Promise<TaskInfo[]> {
    const client = this.redis.client;
    if (!client) return [];
    const key = chatId === undefined ? this.indexKey() : this.chatKey(chatId);
    const ids = await this.attempt(
      'list tasks',
      () => client.zrangebyscore(key, now, '+inf'),
      [] as string[],
    );
    if (ids.length === 0) return [];
    const texts = await this.attempt(
      'list tasks',
      () => client.mget(ids.map((id) => this.taskKey(id))),
      [] as (string | null)[],
    );
    return texts.flatMap((text) => {
      const task = text ? parseTask(text) : undefined;
      return task ? [task] : [];
    });
  }

  /** Asks every instance to stop `taskId`; false when Redis could not carry the message. */
  publishStop(taskId: string): Promise<boolean> {
    const command: StopCommand = { action: 'stop', task_id: taskId };
    return this.redis.publish(COMMANDS_CHANNEL, JSON.stringify(command));
  }

  /** Calls `handler` with the task id of every stop command any instance publishes. */
  async onStop(handler: (taskId: string) => void): Promise<void> {
    await this.redis.subscribe(COMMANDS_CHANNEL, (message) => {
      try {
        const command = JSON.parse(message) as Partial<StopCommand>;
        if (command.action === 'stop' && typeof command.task_id === 'string') {
          handler(command.task_id);
        }
      } catch {
        this.logger.warn('ignored a malformed task command');
      }
    });
  }

  private taskKey(taskId: string): string {
    return this.redis.key('tasks', 'task', taskId);
  }

  private indexKey(): string {
    return this.redis.key('tasks', 'index');
  }

  private chatKey(chatId: string): string {
    return this.redis.key('tasks', 'chat', chatId);
  }

  private async attempt<T>(what: string, run: () => Promise<T>, fallback: T): Promise<T> {
    try {
      const result = await run();
      if (this.failing) this.logger.log('Redis answers again; tasks are shared between instances');
      this.failing = false;
      return result;
    } catch (error) {
      if (!this.failing) {
        this.logger.warn(
          `could not ${what} in Redis (${(error as Error).message}); tasks stay local to this instance`,
        );
      }
      this.failing = true;
      return fallback;
    }
  }
}

function parseTask(text: string): TaskInfo | undefined {
  try {
    const value = JSON.parse(text) as Partial<TaskInfo>;
    return typeof value.id === 'string' && typeof value.userId === 'string'
      ? (value as TaskInfo)
      : undefined;
  } catch {
    return undefined;
  }
}
