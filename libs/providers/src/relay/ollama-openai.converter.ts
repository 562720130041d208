import { randomUUID } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

type Json = Record<string, unknown>;

const OPTION_FIELDS = [
  'temperature',
  'top_p',
  'top_k',
  'min_p',
  'seed',
  'stop',
  'frequency_penalty',
  'presence_penalty',
  'repeat_penalty',
  'num_ctx',
] as const;

/** An OpenAI chat request as Ollama's /api/chat body (§5.3). `model` is the upstream name. */
export function openAIToOllamaChat(body: Json, model: string): Json {
  const options: Json = isObject(body.options) ? { ...body.options } : {};
  for (const field of OPTION_FIELDS) if (body[field] !== undefined) options[field] = body[field];
  const maxTokens = body.max_completion_tokens ?? body.max_tokens;
  if (maxTokens !== undefined) options.num_predict = maxTokens;
  const payload: Json = {
    model,
    messages: Array.isArray(body.messages) ? body.messages.map(convertMessage) : [],
    stream: body.stream === true,
  };
  if (Object.keys(options).length > 0) payload.options = options;
  if (body.tools !== undefined) payload.tools = body.tools;
  if (body.keep_alive !== undefined) payload.keep_alive = body.keep_alive;
  if (body.think !== undefined) payload.think = body.think;
  const format = formatOf(body.response_format ?? body.format);
  if (format !== undefined) payload.format = format;
  return payload;
}

function formatOf(value: unknown): unknown {
  if (!isObject(value)) return value;
  if (value.type === 'json_object') return 'json';
  if (value.type === 'json_schema' && isObject(value.json_schema)) return value.json_schema.schema;
  return undefined;
}

function convertMessage(message: unknown): Json {
  if (!isObject(message)) return { role: 'user', content: '' };
  const converted: Json = { role: message.role };
  const images: string[] = [];
  if (Array.isArray(message.content)) {
    const texts: string[] = [];
    for (const part of message.content) {
      if (!isObject(part)) continue;
      if (part.type === 'text' && typeof part.text === 'string') texts.push(part.text);
      if (part.type === 'image_url') {
        const url = isObject(part.image_url) ? part.image_url.url : part.image_url;
        if (typeof url === 'string') images.push(url.replace(/^data:[^,]*base64,/, ''));
      }
    }
    converted.content = texts.join('\n');
  } else {
    converted.content = message.content ?? '';
  }
  if (images.length > 0) converted.images = images;
  if (Array.isArray(message.tool_calls)) {
    converted.tool_calls = message.tool_calls.map((call: unknown) => {
      const fn = isObject(call) && isObject(call.function) ? call.function : {};
      return { function: { name: fn.name, arguments: parseArguments(fn.arguments) } };
    });
  }
  if (message.tool_call_id !== undefined) converted.tool_call_id = message.tool_call_id;
  return converted;
}

function parseArguments(value: unknown): unknown {
  if (typeof value !== 'string') return value ?? {};
  try {
    return JSON.parse(value);
  } catch {
    return {};
  }
}

/** Ollama eval counts as an OpenAI `usage` object with Ollama's extras (§5.3). */
export function ollamaUsage(line: Json): Json {
  const number = (key: string): number => {
    const value = line[key];
    return typeof value === 'number' ? value : 0;
  };
  const rate = (count: number, durationNs: number) =>
    durationNs > 0 ? Math.round((count / (durationNs / 1e9)) * 100) / 100 : 'N/A';
  const promptTokens = number('prompt_eval_count');
  const completionTokens = number('eval_count');
  const totalSeconds = Math.floor(number('total_duration') / 1e9);
  return {
    'response_token/s': rate(completionTokens, number('eval_duration')),
    'prompt_token/s': rate(promptTokens, number('prompt_eval_duration')),
    total_duration: number('total_duration'),
    load_duration: number('load_duration'),
    prompt_eval_count: promptTokens,
    prompt_tokens: promptTokens,
    prompt_eval_duration: number('prompt_eval_duration'),
    eval_count: completionTokens,
    completion_tokens: completionTokens,
    eval_duration: number('eval_duration'),
    approximate_total: `${Math.floor(totalSeconds / 3600)}h${Math.floor((totalSeconds % 3600) / 60)}m${totalSeconds % 60}s`,
    total_tokens: promptTokens + completionTokens,
    completion_tokens_details: {
      reasoning_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

function openAIToolCalls(calls: unknown): Json[] | undefined {
  if (!Array.isArray(calls) || calls.length === 0) return undefined;
  return calls.map((call: unknown, position) => {
    const fn = isObject(call) && isObject(call.function) ? call.function : {};
    const id = isObject(call) && typeof call.id === 'string' ? call.id : `call_${randomUUID()}`;
    return {
      index: typeof fn.index === 'number' ? fn.index : position,
      id,
      type: 'function',
      function: {
        name: fn.name,
        arguments:
          typeof fn.arguments === 'string' ? fn.arguments : JSON.stringify(fn.arguments ?? {}),
      },
    };
  });
}

/** One Ollama /api/chat line as an OpenAI `chat.completion.chunk`. */
export function ollamaLineToChunk(line: Json, id: string, created: number, model: string): Json {
  const message = isObject(line.message) ? line.message : {};
  const content = typeof message.content === 'string' ? message.content : '';
  const reasoning = typeof message.thinking === 'string' ? message.thinking : '';
  const toolCalls = openAIToolCalls(message.tool_calls);
  const delta: Json = {};
  if (content) delta.content = content;
  if (reasoning) delta.reasoning_content = reasoning;
  if (toolCalls) delta.tool_calls = toolCalls;
  const finished = !content && !reasoning && !toolCalls;
  const chunk: Json = {
    id,
    created,
    model: typeof line.model === 'string' ? line.model : model,
    choices: [{ index: 0, logprobs: null, finish_reason: finished ? 'stop' : null, delta }],
    object: 'chat.completion.chunk',
  };
  if (line.done === true) chunk.usage = ollamaUsage(line);
  return chunk;
}

/** A non-streamed Ollama /api/chat reply as an OpenAI `chat.completion`. */
export function ollamaReplyToCompletion(reply: Json, model: string, created: number): Json {
  const message = isObject(reply.message) ? reply.message : {};
  const out: Json = {
    role: 'assistant',
    content: typeof message.content === 'string' ? message.content : '',
  };
  if (typeof message.thinking === 'string' && message.thinking)
    out.reasoning_content = message.thinking;
  const toolCalls = openAIToolCalls(message.tool_calls);
  if (toolCalls) out.tool_calls = toolCalls;
  return {
    id: `${model}-${randomUUID()}`,
    created,
    model,
    choices: [{ index: 0, logprobs: null, finish_reason: 'stop', message: out }],
    object: 'chat.completion',
    usage: ollamaUsage(reply),
  };
}

const NEWLINE = 0x0a;

/**
 * A stream body the relay can drive synchronously, chunk by chunk, without the stream machinery
 * (see relayUpstream); it is still a Transform for any other consumer.
 */
export interface ChunkConverter {
  /** The output for one upstream chunk ('' while a line is incomplete). */
  convertChunk(chunk: Buffer): string;
  /** The output once the upstream has ended. */
  finish(): string;
}

export function isChunkConverter(value: unknown): value is ChunkConverter {
  return (
    typeof (value as ChunkConverter | undefined)?.convertChunk === 'function' &&
    typeof (value as ChunkConverter | undefined)?.finish === 'function'
  );
}

/** A JSON string literal, escapes included (no unescaped quote or backslash inside). */
const JSON_STRING = String.raw`"(?:[^"\\]|\\.)*"`;
/**
 * The line Ollama sends for almost every token, in Ollama's field order. Matched, it is
 * converted by splicing its (already JSON-escaped) model and content into a template: no parse,
 * no stringify. Anything else (thinking, tool calls, the final line, errors) takes the full path.
 */
const PLAIN_TOKEN_LINE = new RegExp(
  String.raw`^\{"model":(${JSON_STRING}),"created_at":"[^"\\]*","message":\{"role":"assistant","content":(${JSON_STRING})\},"done":false\}$`,
);

/**
 * Ollama NDJSON in, OpenAI SSE out: one `data: {chunk}\n\n` frame per line as soon as the line is
 * complete (no line-length limit), then `data: [DONE]\n\n` when the upstream ends.
 */
export class OllamaToOpenAIStream extends Transform implements ChunkConverter {
  private pending: Buffer | undefined;
  private readonly id: string;
  private readonly created: number;
  /** `data: {"id":…,"created":…,"model":` — the part of every plain token frame that never changes. */
  private readonly framePrefix: string;

  constructor(private readonly model: string) {
    super();
    this.id = `${model}-${randomUUID()}`;
    this.created = Math.floor(Date.now() / 1000);
    this.framePrefix = `data: {"id":${JSON.stringify(this.id)},"created":${this.created},"model":`;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    const out = this.convertChunk(chunk);
    if (out !== '') this.push(out);
    callback();
  }

  override _flush(callback: TransformCallback): void {
    this.push(this.finish());
    callback();
  }

  convertChunk(chunk: Buffer): string {
    const data = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    // Split on bytes: a newline byte never occurs inside a multi-byte UTF-8 character.
    const last = data.lastIndexOf(NEWLINE);
    if (last === -1) {
      this.pending = Buffer.from(data);
      return '';
    }
    this.pending = last + 1 < data.length ? Buffer.from(data.subarray(last + 1)) : undefined;
    const text = data.toString('utf8', 0, last);
    let out = '';
    let start = 0;
    for (;;) {
      const end = text.indexOf('\n', start);
      out += this.convertLine(end === -1 ? text.slice(start) : text.slice(start, end));
      if (end === -1) return out;
      start = end + 1;
    }
  }

  finish(): string {
    const rest = this.pending ? this.convertLine(this.pending.toString('utf8')) : '';
    this.pending = undefined;
    return `${rest}data: [DONE]\n\n`;
  }

  private convertLine(raw: string): string {
    const plain = PLAIN_TOKEN_LINE.exec(raw);
    if (plain && plain[2].length > 2) {
      return `${this.framePrefix}${plain[1]},"choices":[{"index":0,"logprobs":null,"finish_reason":null,"delta":{"content":${plain[2]}}}],"object":"chat.completion.chunk"}\n\n`;
    }
    const text = raw.trim();
    if (text === '') return '';
    let line: unknown;
    try {
      line = JSON.parse(text);
    } catch {
      return '';
    }
    if (!isObject(line)) return '';
    if (typeof line.error === 'string') {
      return `data: ${JSON.stringify({ error: { message: line.error } })}\n\n`;
    }
    const chunk = ollamaLineToChunk(line, this.id, this.created, this.model);
    return `data: ${JSON.stringify(chunk)}\n\n`;
  }
}

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
