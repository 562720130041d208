import { SpanKind, trace, type Attributes } from '@opentelemetry/api';
import { failSpan } from './span-helpers.js';
import { tracerOf } from './tracers.js';

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
    // Nothing for commands outside a recorded (sampled) request span.
    if (!trace.getActiveSpan()?.isRecording() || typeof command?.name !== 'string') {
      return original.call(this, command, ...rest);
    }
    const operation = command.name.toUpperCase();
    const attributes = { ...connectionAttributesOf(this), 'db.operation.name': operation };
    const span = tracerOf('atrium-redis').startSpan(operation, {
      kind: SpanKind.CLIENT,
      attributes,
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

/** The attributes every command of a client shares, built once per client. */
const connectionAttributes = new WeakMap<RedisClient, Attributes>();

function connectionAttributesOf(client: RedisClient): Attributes {
  let attributes = connectionAttributes.get(client);
  if (!attributes) {
    const options = client.options;
    attributes = { 'db.system.name': 'redis' };
    if (options?.host) attributes['server.address'] = options.host;
    if (options?.port) attributes['server.port'] = options.port;
    if (options?.db !== undefined) attributes['db.namespace'] = String(options.db);
    connectionAttributes.set(client, attributes);
  }
  return attributes;
}
