import { randomUUID } from 'node:crypto';
import {
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { Clock } from '@atrium/common';
import { RedisTaskStore, TASK_ENTRY_TTL_MS } from './redis-task-store.js';
import type { TaskInfo } from './task-info.js';

/** How long a stop waits for the task to save what it had before answering. */
const STOP_SETTLE_MS = 5_000;
const REMOTE_POLL_MS = 50;

interface LocalTask {
  info: TaskInfo;
  controller: AbortController;
  settled: Promise<void>;
}

/**
 * Running chat tasks: the ones of this instance in memory (with their AbortController), and
 * every instance's in Redis when configured, so any instance can list them and a stop sent
 * to any instance reaches the one running the task (Redis pub/sub).
 */
@Injectable()
export class TaskRegistry implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger('Tasks');
  readonly instanceId = randomUUID();
  private readonly local = new Map<string, LocalTask>();
  private refreshTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: RedisTaskStore,
    private readonly clock: Clock,
  ) {}

  async onModuleInit(): Promise<void> {
    if (!this.store.enabled) return;
    await this.store.onStop((taskId) => this.abortLocal(taskId));
    // Entries expire unless refreshed, so tasks of a crashed instance disappear on their own.
    this.refreshTimer = setInterval(() => void this.refresh(), TASK_ENTRY_TTL_MS / 3);
    this.refreshTimer.unref();
  }

  /**
   * Aborts every local task and waits briefly for them to save what they have: before the
   * shutdown hooks, while the database and Redis are still open.
   */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.refreshTimer) clearInterval(this.refreshTimer);
    const running = [...this.local.values()];
    for (const task of running) task.controller.abort();
    await withDeadline(Promise.all(running.map((task) => task.settled)), STOP_SETTLE_MS);
  }

  /**
   * Records the task (locally and in Redis), then starts `run` in the background; the entry
   * goes away when `run` settles, then `afterRemoval` runs (before a stop waiting on the task
   * returns).
   */
  async start(
    info: Omit<TaskInfo, 'instanceId' | 'createdAt'>,
    controller: AbortController,
    run: () => Promise<void>,
    afterRemoval?: () => Promise<void>,
  ): Promise<TaskInfo> {
    const task: TaskInfo = { ...info, instanceId: this.instanceId, createdAt: this.clock.nowMs() };
    let release!: () => void;
    const settled = new Promise<void>((resolve) => (release = resolve));
    this.local.set(task.id, { info: task, controller, settled });
    await this.store.save([task], this.clock.nowMs());
    void (async () => {
      try {
        await run();
      } catch (error) {
        this.logger.error(`task ${task.id} failed: ${(error as Error).message}`);
      } finally {
        this.local.delete(task.id);
        await this.store.remove(task);
        await afterRemoval?.().catch((error: unknown) => {
          this.logger.warn(`after task ${task.id}: ${(error as Error).message}`);
        });
        release();
      }
    })();
    return task;
  }

  /** Every live task (of all instances when Redis is shared), or those of one chat. */
  async list(chatId?: string): Promise<TaskInfo[]> {
    const found = new Map<string, TaskInfo>();
    for (const task of await this.store.list(this.clock.nowMs(), chatId)) found.set(task.id, task);
    for (const { info } of this.local.values()) {
      if (chatId === undefined || info.chatId === chatId) found.set(info.id, info);
    }
    return [...found.values()].sort((a, b) => a.createdAt - b.createdAt);
  }

  async find(taskId: string): Promise<TaskInfo | undefined> {
    return this.local.get(taskId)?.info ?? (await this.store.get(taskId));
  }

  /**
   * Stops a task wherever it runs and waits (boundedly) until it has saved its partial
   * message. False when no instance knows the task.
   */
  async stop(task: TaskInfo): Promise<boolean> {
    const local = this.local.get(task.id);
    if (local) {
      local.controller.abort();
      await withDeadline(local.settled, STOP_SETTLE_MS);
      return true;
    }
    if (!(await this.store.publishStop(task.id))) return false;
    await this.waitUntilGone(task.id);
    return true;
  }

  private abortLocal(taskId: string): void {
    this.local.get(taskId)?.controller.abort();
  }

  private async waitUntilGone(taskId: string): Promise<void> {
    const deadline = this.clock.nowMs() + STOP_SETTLE_MS;
    while (this.clock.nowMs() < deadline && (await this.store.get(taskId))) {
      await new Promise((resolve) => setTimeout(resolve, REMOTE_POLL_MS));
    }
  }

  private async refresh(): Promise<void> {
    await this.store.save(
      [...this.local.values()].map((task) => task.info),
      this.clock.nowMs(),
    );
  }
}

async function withDeadline(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    promise,
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
      timer.unref();
    }),
  ]);
  if (timer) clearTimeout(timer);
}
