import type { EnvReader } from './env-reader.js';

/** One connection's per-index settings, as Open WebUI stores them (open-ended JSON). */
export type ConnectionSettings = Record<string, unknown>;

export interface OllamaConnectionSeed {
  enabled: boolean;
  urls: string[];
  configs: Record<string, ConnectionSettings>;
}

export interface OpenAIConnectionSeed {
  enabled: boolean;
  urls: string[];
  keys: string[];
  configs: Record<string, ConnectionSettings>;
}

/** Environment settings of the providers library. */
export interface ProvidersConfig {
  /** First-boot seeds of the admin-managed connections (the database wins afterwards). */
  seeds: { ollama: OllamaConnectionSeed; openai: OpenAIConnectionSeed };
  /** AIOHTTP_CLIENT_TIMEOUT_MODEL_LIST: per-connection listing timeout. */
  modelListTimeoutMs: number;
  /** AIOHTTP_CLIENT_TIMEOUT: bound on a whole relayed request; undefined = no limit. */
  requestTimeoutMs: number | undefined;
  /** MODELS_CACHE_TTL: how long a model list is fresh; stale lists are served while refreshing. */
  modelsCacheTtlMs: number;
  bypassModelAccessControl: boolean;
  forwardUserInfoHeaders: boolean;
  /** ENABLE_OPENAI_API_PASSTHROUGH: the deprecated `/openai/{path}` catch-all proxy is on. */
  openAIPassthrough: boolean;
  /** ENABLE_FAST_PATH: hot relay routes served by a raw node:http handler ahead of Express. */
  fastPath: boolean;
}

const DEFAULT_OLLAMA_URL = 'http://localhost:11434';
const DEFAULT_OPENAI_URL = 'https://api.openai.com/v1';

export function readProvidersConfig(reader: EnvReader): ProvidersConfig {
  const legacyOllama = reader.optionalString('OLLAMA_API_BASE_URL');
  const ollamaUrl = reader.string(
    'OLLAMA_BASE_URL',
    legacyOllama ? legacyOllama.replace(/\/api\/?$/, '') : DEFAULT_OLLAMA_URL,
  );
  const ollamaUrls = reader.list('OLLAMA_BASE_URLS', ';', [ollamaUrl]).map(trimSlash);
  const openaiUrl = reader.string('OPENAI_API_BASE_URL', DEFAULT_OPENAI_URL);
  const openaiUrls = reader.list('OPENAI_API_BASE_URLS', ';', [openaiUrl]).map(trimSlash);
  const openaiKey = reader.string('OPENAI_API_KEY', '');
  // Keys keep empty positions ("a;;c"), so they cannot use list(), which drops them.
  const keysRaw = reader.optionalString('OPENAI_API_KEYS');
  const openaiKeys = keysRaw === undefined ? [openaiKey] : keysRaw.split(';').map((k) => k.trim());
  checkUrls(reader, 'OLLAMA_BASE_URLS', ollamaUrls);
  checkUrls(reader, 'OPENAI_API_BASE_URLS', openaiUrls);
  const modelListSeconds = reader.int(
    'AIOHTTP_CLIENT_TIMEOUT_MODEL_LIST',
    reader.int('AIOHTTP_CLIENT_TIMEOUT_OPENAI_MODEL_LIST', 10, { min: 1, max: 3600 }),
    { min: 1, max: 3600 },
  );
  const requestSeconds = reader.int('AIOHTTP_CLIENT_TIMEOUT', 300, { min: 0, max: 86400 });
  const cacheSeconds = reader.int('MODELS_CACHE_TTL', 1, { min: 0, max: 86400 });
  return {
    seeds: {
      ollama: {
        enabled: reader.bool('ENABLE_OLLAMA_API', true),
        urls: ollamaUrls,
        configs: readConfigs(reader, 'OLLAMA_API_CONFIGS'),
      },
      openai: {
        enabled: reader.bool('ENABLE_OPENAI_API', true),
        urls: openaiUrls,
        keys: fitLength(openaiKeys, openaiUrls.length),
        configs: readConfigs(reader, 'OPENAI_API_CONFIGS'),
      },
    },
    modelListTimeoutMs: modelListSeconds * 1000,
    requestTimeoutMs: requestSeconds === 0 ? undefined : requestSeconds * 1000,
    modelsCacheTtlMs: cacheSeconds * 1000,
    bypassModelAccessControl: reader.bool('BYPASS_MODEL_ACCESS_CONTROL', false),
    forwardUserInfoHeaders: reader.bool('ENABLE_FORWARD_USER_INFO_HEADERS', false),
    openAIPassthrough: reader.bool('ENABLE_OPENAI_API_PASSTHROUGH', false),
    fastPath: reader.bool('ENABLE_FAST_PATH', true),
  };
}

/** Open WebUI keeps the key list exactly as long as the URL list: padded with "" or cut. */
export function fitLength(keys: string[], length: number): string[] {
  return Array.from({ length }, (_, index) => keys[index] ?? '');
}

function checkUrls(reader: EnvReader, name: string, urls: string[]): void {
  for (const url of urls) {
    reader.check(name, /^https?:\/\/\S+$/.test(url), `expected an http(s) URL, got "${url}"`);
  }
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

function readConfigs(reader: EnvReader, name: string): Record<string, ConnectionSettings> {
  const raw = reader.optionalString(name);
  if (raw === undefined) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    parsed = undefined;
  }
  const valid =
    typeof parsed === 'object' &&
    parsed !== null &&
    !Array.isArray(parsed) &&
    Object.values(parsed).every((value) => typeof value === 'object' && value !== null);
  reader.check(name, valid, 'expected a JSON object of index -> connection settings');
  return valid ? (parsed as Record<string, ConnectionSettings>) : {};
}
