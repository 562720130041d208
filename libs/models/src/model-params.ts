/**
 * How a workspace model's `params` reach a chat request (§4.4), after Open WebUI's
 * apply_model_params_to_body_openai / _ollama and apply_system_prompt_to_body. Pure functions on
 * an OpenAI-shaped request body; they return a new body and never mutate their input.
 */

type Json = Record<string, unknown>;

/** The wire format the base model is reached through. */
export type ParamsTarget = 'openai' | 'ollama';

/** Params that steer Open WebUI itself and are never sent to a model server. */
const OPEN_WEBUI_PARAMS = new Set([
  'system',
  'stream_response',
  'stream_delta_chunk_size',
  'function_calling',
  'reasoning_tags',
  'tool_approval_mode',
  'model_controls',
  'compact_token_threshold',
  'custom_params',
]);

type Cast = (value: unknown) => unknown;

const float: Cast = (value) => {
  const number = typeof value === 'string' ? Number(value) : value;
  return typeof number === 'number' && Number.isFinite(number) ? number : undefined;
};
const integer: Cast = (value) => {
  const number = float(value);
  return typeof number === 'number' ? Math.trunc(number) : undefined;
};
const boolean: Cast = (value) => (typeof value === 'boolean' ? value : Boolean(value));
const same: Cast = (value) => value;
const text: Cast = (value) => String(value);
const object: Cast = (value) => (isObject(value) ? value : undefined);
/** Stop words are stored with escapes typed in the UI (`\n`); the model wants the characters. */
const stopWords: Cast = (value) =>
  Array.isArray(value) ? value.map((word) => unescapeText(String(word))) : undefined;

const OPENAI_CASTS: Record<string, Cast> = {
  temperature: float,
  top_p: float,
  min_p: float,
  max_tokens: integer,
  frequency_penalty: float,
  presence_penalty: float,
  reasoning_effort: text,
  seed: same,
  stop: stopWords,
  logit_bias: same,
  response_format: object,
};

/** Ollama's `options` (its API docs), with their types. */
const OLLAMA_OPTION_CASTS: Record<string, Cast> = {
  temperature: float,
  top_p: float,
  seed: same,
  mirostat: integer,
  mirostat_eta: float,
  mirostat_tau: float,
  num_ctx: integer,
  num_batch: integer,
  num_keep: integer,
  num_predict: integer,
  repeat_last_n: integer,
  top_k: integer,
  min_p: float,
  typical_p: float,
  repeat_penalty: float,
  presence_penalty: float,
  frequency_penalty: float,
  penalize_newline: boolean,
  stop: stopWords,
  numa: boolean,
  num_gpu: integer,
  main_gpu: integer,
  low_vram: boolean,
  vocab_only: boolean,
  use_mmap: boolean,
  use_mlock: boolean,
  num_thread: integer,
};

/** Ollama body fields (not options) a model may set; JSON strings are parsed. */
const OLLAMA_ROOT_CASTS: Record<string, Cast> = {
  format: parseMaybeJson,
  keep_alive: parseMaybeJson,
  think: boolean,
};

/**
 * The model's params merged into the request, the model's values winning as in Open WebUI.
 * OpenAI: top-level fields. Ollama: `options` (and format/keep_alive/think at the root), with the
 * same top-level OpenAI fields removed so the converter does not put the caller's back.
 */
export function applyModelParams(body: Json, rawParams: Json, target: ParamsTarget): Json {
  const params = modelParamsOf(rawParams);
  const next: Json = { ...body };
  if (typeof rawParams.stream_response === 'boolean') next.stream = rawParams.stream_response;
  if (target === 'openai') {
    for (const [key, value] of Object.entries(params)) setCast(next, key, value, OPENAI_CASTS[key]);
    return next;
  }
  if (params.max_tokens !== undefined && params.max_tokens !== null) {
    params.num_predict = params.max_tokens;
    delete params.max_tokens;
    delete next.max_tokens;
    delete next.max_completion_tokens;
  }
  for (const [key, cast] of Object.entries(OLLAMA_ROOT_CASTS)) {
    if (params[key] === undefined || params[key] === null) continue;
    setCast(next, key, params[key], cast);
    if (key === 'format') delete next.response_format;
    delete params[key];
  }
  const options: Json = isObject(next.options) ? { ...next.options } : {};
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null) continue;
    setCast(options, key, value, OLLAMA_OPTION_CASTS[key]);
    delete next[key];
  }
  if (Object.keys(options).length > 0) next.options = options;
  return next;
}

/** Values the system prompt template can use ({{USER_NAME}}, {{CURRENT_DATE}}...). */
export interface PromptContext {
  user?: { name?: string; email?: string; location?: string | null };
  /** Chat variables as the UI sends them, keyed by their placeholder (`{{name}}`). */
  variables?: Record<string, unknown>;
  now: Date;
}

/**
 * The model's system prompt, filled in, prepended to the request's leading system message (on
 * its own line) or inserted as a new first message.
 */
export function applySystemPrompt(body: Json, system: unknown, context: PromptContext): Json {
  if (typeof system !== 'string' || system === '') return body;
  const content = fillPromptTemplate(system, context);
  const messages = Array.isArray(body.messages) ? [...(body.messages as unknown[])] : [];
  const first = messages[0];
  if (isObject(first) && first.role === 'system') {
    messages[0] = { ...first, content: prependText(first.content, content) };
  } else {
    messages.unshift({ role: 'system', content });
  }
  return { ...body, messages };
}

/** Fills Open WebUI's prompt placeholders: chat variables first, then user and clock values. */
export function fillPromptTemplate(template: string, context: PromptContext): string {
  let result = template;
  for (const [key, value] of Object.entries(context.variables ?? {})) {
    if (key !== '') result = result.split(key).join(String(value));
  }
  const now = context.now;
  const pad = (value: number) => String(value).padStart(2, '0');
  const date = `${now.getUTCFullYear()}-${pad(now.getUTCMonth() + 1)}-${pad(now.getUTCDate())}`;
  const hours = now.getUTCHours();
  const time = `${pad(hours % 12 || 12)}:${pad(now.getUTCMinutes())}:${pad(now.getUTCSeconds())} ${hours < 12 ? 'AM' : 'PM'}`;
  const clock = `${pad(hours)}:${pad(now.getUTCMinutes())}:${pad(now.getUTCSeconds())}`;
  const weekday = now.toLocaleDateString('en-US', { weekday: 'long', timeZone: 'UTC' });
  const values: Record<string, string> = {
    '{{USER_NAME}}': context.user?.name || 'Unknown',
    '{{USER_EMAIL}}': context.user?.email || 'Unknown',
    '{{USER_LOCATION}}': context.user?.location || 'Unknown',
    '{{CURRENT_DATETIME}}': `${date} ${clock}`,
    '{{CURRENT_DATE}}': date,
    '{{CURRENT_TIME}}': time,
    '{{CURRENT_WEEKDAY}}': weekday,
    '{{CURRENT_TIMEZONE}}': 'UTC',
  };
  for (const [placeholder, value] of Object.entries(values)) {
    result = result.split(placeholder).join(value);
  }
  return result;
}

/** The params to forward: Open WebUI's own keys dropped, `custom_params` merged over the rest. */
function modelParamsOf(raw: Json): Json {
  const params: Json = {};
  for (const [key, value] of Object.entries(raw)) {
    if (!OPEN_WEBUI_PARAMS.has(key)) params[key] = value;
  }
  if (isObject(raw.custom_params)) {
    const custom: Json = {};
    for (const [key, value] of Object.entries(raw.custom_params)) {
      custom[key] = typeof value === 'string' ? parseMaybeJson(value) : value;
    }
    return deepMerge(params, custom);
  }
  return params;
}

function setCast(target: Json, key: string, value: unknown, cast: Cast | undefined): void {
  if (value === undefined || value === null) return;
  const converted = cast ? cast(value) : value;
  if (converted !== undefined) target[key] = converted;
}

function prependText(existing: unknown, text: string): unknown {
  if (Array.isArray(existing)) {
    return existing.map((part: unknown) =>
      isObject(part) && part.type === 'text'
        ? { ...part, text: `${text}\n${typeof part.text === 'string' ? part.text : ''}` }
        : part,
    );
  }
  return `${text}\n${typeof existing === 'string' ? existing : ''}`;
}

function deepMerge(base: Json, extra: Json): Json {
  const merged: Json = { ...base };
  for (const [key, value] of Object.entries(extra)) {
    merged[key] = isObject(value) && isObject(merged[key]) ? deepMerge(merged[key], value) : value;
  }
  return merged;
}

function parseMaybeJson(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

/** Backslash escapes as Python's unicode_escape codec reads them (\n, \t, \uXXXX, \\...). */
function unescapeText(value: string): string {
  return value.replace(
    /\\(u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|[ntrbfv0'"\\])/g,
    (_match, code: string) => {
      if (code[0] === 'u' || code[0] === 'x')
        return String.fromCharCode(Number.parseInt(code.slice(1), 16));
      const simple: Record<string, string> = {
        n: '\n',
        t: '\t',
        r: '\r',
        b: '\b',
        f: '\f',
        v: '\v',
        '0': '\0',
      };
      return simple[code] ?? code;
    },
  );
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
