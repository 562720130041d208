import { SpanKind, trace } from '@opentelemetry/api';
import { failSpan } from './span-helpers.js';

const PATCHED = Symbol.for('atrium.tracing.redis');

interface RedisCommand {
  name: string;
  promise: Promise<unknown>;
}

interface RedisClient {
  options?: { host?: string; port?: number; db?: number };
}

/**
 * A CLIENT span per Redis command sent inside a traced request (commands of background work
 * such as pub/sub are not traced), by wrapping ioredis' sendCommand once per process. The
 * span carries the command name, never its arguments. Called only when tracing is on.
 */
export async function traceRedisCommands(): Promise<void> {
  const { Redis } = await import('ioredis');
  const prototype = Redis.prototype as unknown as {
    sendCommand: (this: RedisClient, command: RedisCommand, ...rest: unknown[]) => unknown;
    [PATCHED]?: boolean;
  };
  if (prototype[PATCHED]) return;
  prototype[PATCHED] = true;
  const original = prototype.sendCommand;
  prototype.sendCommand = function tracedSendCommand(
    this: RedisClient,
    command: RedisCommand,
    ...rest: unknown[]
  ) {
    if (!trace.getActiveSpan() || typeof command?.name !== 'string') {
      return original.call(this, command, ...rest);
    }
    const operation = command.name.toUpperCase();
    const span = trace.getTracer('atrium-redis').startSpan(operation, {
      kind: SpanKind.CLIENT,
      attributes: {
        'db.system.name': 'redis',
        'db.operation.name': operation,
        ...(this.options?.host ? { 'server.address': this.options.host } : {}),
        ...(this.options?.port ? { 'server.port': this.options.port } : {}),
        ...(this.options?.db !== undefined ? { 'db.namespace': String(this.options.db) } : {}),
      },
    });
    command.promise?.then(
      () => span.end(),
      (error: unknown) => {
        failSpan(span, error);
        span.end();
      },
    );
    return original.call(this, command, ...rest);
  };
}
