import type { IncomingMessage } from 'node:http';
import type { ModelCall } from '@atrium/observability';

/** Bytes of the end of a response kept to read usage from (an Ollama final line can be large). */
const TAIL_LIMIT = 256 * 1024;
/** Bytes of the end read first (usage and finish reason are almost always in them). */
const QUICK_TAIL = 8 * 1024;

export interface ModelCallUsage {
  inputTokens?: number;
  outputTokens?: number;
  finishReason?: string;
}

/**
 * Watches one upstream response for its model-call telemetry without slowing the relay: the
 * first chunk marks the first token, only the last bytes are kept (references, no copies), and
 * they are parsed once, when the response is over, for usage and the finish reason.
 */
export class ModelCallTap {
  private readonly tail: Buffer[] = [];
  private tailBytes = 0;
  private truncated = false;
  private done = false;

  constructor(
    private readonly call: ModelCall,
    private readonly upstream: IncomingMessage,
    private readonly signal: AbortSignal,
  ) {
    upstream.once('close', () => this.finish());
  }

  /** Call on every relayed chunk (cheap: a flag and an array push). */
  readonly chunk = (chunk: Buffer): void => {
    if (this.tailBytes === 0 && !this.truncated) this.call.firstToken();
    this.tail.push(chunk);
    this.tailBytes += chunk.length;
    while (this.tail.length > 1 && this.tailBytes - this.tail[0].length >= TAIL_LIMIT) {
      this.tailBytes -= this.tail.shift()!.length;
      this.truncated = true;
    }
  };

  /** A body read whole by the relay (non-streamed replies). */
  whole(text: string): void {
    if (this.done) return;
    this.call.firstToken();
    this.settle(readUsage(text, false, this.upstream.headers['content-type']));
  }

  /** Marks the call failed (upstream status, unreachable, dropped). */
  fail(reason: string, error?: unknown): void {
    this.call.fail(reason, error);
  }

  /** The response is over: read usage from what was kept and end the call. */
  finish(): void {
    if (this.done) return;
    const status = this.upstream.statusCode ?? 500;
    if (!this.upstream.complete && status < 400 && !this.signal.aborted) {
      this.call.fail('dropped');
    }
    this.settle(this.usageFromTail());
  }

  /**
   * Usage is in the last line or the last few SSE frames: read the last QUICK_TAIL bytes first,
   * and the whole kept tail only when they do not hold it (e.g. an Ollama final line with a
   * large `context`).
   */
  private usageFromTail(): ModelCallUsage {
    if (this.tailBytes === 0) return {};
    const contentType = this.upstream.headers['content-type'];
    const whole = Buffer.concat(this.tail);
    if (whole.length > QUICK_TAIL) {
      const quick = readUsage(whole.toString('utf8', whole.length - QUICK_TAIL), true, contentType);
      if (quick.outputTokens !== undefined || quick.finishReason !== undefined) return quick;
    }
    return readUsage(whole.toString('utf8'), this.truncated, contentType);
  }

  private settle(usage: ModelCallUsage): void {
    this.done = true;
    this.tail.length = 0;
    if (usage.inputTokens !== undefined || usage.outputTokens !== undefined) {
      this.call.usage(usage.inputTokens ?? 0, usage.outputTokens ?? 0);
    }
    this.call.end(usage.finishReason);
  }
}

const taps = new WeakMap<IncomingMessage, ModelCallTap>();

export function attachTap(upstream: IncomingMessage, tap: ModelCallTap): void {
  taps.set(upstream, tap);
}

export function tapOf(upstream: IncomingMessage): ModelCallTap | undefined {
  return taps.get(upstream);
}

/**
 * Usage and finish reason from the end of a response: the final Ollama NDJSON line
 * (`prompt_eval_count`, `eval_count`, `done_reason`), the OpenAI SSE usage chunk, or a whole
 * JSON reply of either kind.
 */
export function readUsage(
  text: string,
  truncated: boolean,
  contentType: string | undefined,
): ModelCallUsage {
  if (text === '') return {};
  if (contentType?.startsWith('text/event-stream')) return fromSse(text);
  if (!truncated && !contentType?.includes('ndjson')) {
    const whole = parse(text.trim());
    if (whole) return fromObject(whole);
  }
  const lines = text.split('\n');
  for (let index = lines.length - 1; index >= 0; index -= 1) {
    const line = lines[index].trim();
    if (line === '') continue;
    const value = parse(line);
    return value ? fromObject(value) : {};
  }
  return {};
}

/** Walks the frames from the end (no split of the whole text), stopping once all is found. */
function fromSse(text: string): ModelCallUsage {
  const found: ModelCallUsage = {};
  let end = text.length;
  while (end > 0) {
    const start = text.lastIndexOf('\n', end - 1) + 1;
    const line = text.slice(start, end);
    end = start - 1;
    if (!line.startsWith('data:')) continue;
    const data = line.slice(5).trim();
    if (data === '[DONE]') continue;
    const value = parse(data);
    if (!value) continue;
    const usage = fromObject(value);
    found.inputTokens ??= usage.inputTokens;
    found.outputTokens ??= usage.outputTokens;
    found.finishReason ??= usage.finishReason;
    if (found.outputTokens !== undefined && found.finishReason !== undefined) break;
  }
  return found;
}

function fromObject(value: Record<string, unknown>): ModelCallUsage {
  const usage: ModelCallUsage = {};
  const counts = value.usage;
  if (counts && typeof counts === 'object') {
    const { prompt_tokens: input, completion_tokens: output } = counts as Record<string, unknown>;
    if (typeof input === 'number') usage.inputTokens = input;
    if (typeof output === 'number') usage.outputTokens = output;
  }
  if (typeof value.prompt_eval_count === 'number') usage.inputTokens = value.prompt_eval_count;
  if (typeof value.eval_count === 'number') usage.outputTokens = value.eval_count;
  if (typeof value.done_reason === 'string') usage.finishReason = value.done_reason;
  const choices = value.choices;
  if (Array.isArray(choices)) {
    const reason = (choices[0] as { finish_reason?: unknown } | undefined)?.finish_reason;
    if (typeof reason === 'string') usage.finishReason = reason;
  }
  return usage;
}

function parse(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
