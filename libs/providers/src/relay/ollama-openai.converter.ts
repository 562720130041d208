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
 * Ollama NDJSON in, OpenAI SSE out: one `data: {chunk}\n\n` frame per line as soon as the line is
 * complete (no line-length limit), then `data: [DONE]\n\n` when the upstream ends.
 */
export class OllamaToOpenAIStream extends Transform {
  private pending: Buffer | undefined;
  private readonly id: string;
  private readonly created: number;

  constructor(private readonly model: string) {
    super();
    this.id = `${model}-${randomUUID()}`;
    this.created = Math.floor(Date.now() / 1000);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    let data = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = undefined;
    let start = 0;
    let end = data.indexOf(NEWLINE, start);
    while (end !== -1) {
      this.emitLine(data.subarray(start, end));
      start = end + 1;
      end = data.indexOf(NEWLINE, start);
    }
    if (start < data.length) {
      data = data.subarray(start);
      this.pending = Buffer.from(data);
    }
    callback();
  }

  override _flush(callback: TransformCallback): void {
    if (this.pending) this.emitLine(this.pending);
    this.pending = undefined;
    this.push('data: [DONE]\n\n');
    callback();
  }

  private emitLine(raw: Buffer): void {
    const text = raw.toString('utf8').trim();
    if (text === '') return;
    let line: unknown;
    try {
      line = JSON.parse(text);
    } catch {
      return;
    }
    if (!isObject(line)) return;
    if (typeof line.error === 'string') {
      this.push(`data: ${JSON.stringify({ error: { message: line.error } })}\n\n`);
      return;
    }
    const chunk = ollamaLineToChunk(line, this.id, this.created, this.model);
    this.push(`data: ${JSON.stringify(chunk)}\n\n`);
  }
}

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
