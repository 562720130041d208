import { describe, expect, it } from 'vitest';
import { EnvReader, readProvidersConfig } from '@atrium/config';

const read = (env: Record<string, string>) => {
  const reader = new EnvReader(env);
  return { config: readProvidersConfig(reader), problems: reader.problems };
};

describe('providers environment', () => {
  it("has Open WebUI's defaults", () => {
    const { config, problems } = read({});
    expect(problems).toEqual([]);
    expect(config.seeds.ollama).toEqual({
      enabled: true,
      urls: ['http://localhost:11434'],
      configs: {},
    });
    expect(config.seeds.openai).toEqual({
      enabled: true,
      urls: ['https://api.openai.com/v1'],
      keys: [''],
      configs: {},
    });
    expect(config.modelListTimeoutMs).toBe(10_000);
    expect(config.requestTimeoutMs).toBe(300_000);
    expect(config.modelsCacheTtlMs).toBe(1000);
  });

  it('reads lists, keeps empty key positions and fits keys to the URLs', () => {
    const { config } = read({
      OLLAMA_API_BASE_URL: 'http://ollama:11434/api',
      OPENAI_API_BASE_URLS: 'http://a/v1/;http://b/v1;http://c/v1',
      OPENAI_API_KEYS: 'ka;;kc;kd',
      OPENAI_API_CONFIGS: '{"0":{"prefix_id":"a"}}',
      AIOHTTP_CLIENT_TIMEOUT: '0',
    });
    expect(config.seeds.ollama.urls).toEqual(['http://ollama:11434']);
    expect(config.seeds.openai.urls).toEqual(['http://a/v1', 'http://b/v1', 'http://c/v1']);
    expect(config.seeds.openai.keys).toEqual(['ka', '', 'kc']);
    expect(config.seeds.openai.configs).toEqual({ '0': { prefix_id: 'a' } });
    expect(config.requestTimeoutMs).toBeUndefined();
  });

  it('reports every invalid variable by name', () => {
    const { problems } = read({
      OLLAMA_BASE_URLS: 'not-a-url',
      OLLAMA_API_CONFIGS: '[1]',
      OPENAI_API_CONFIGS: '{oops',
      AIOHTTP_CLIENT_TIMEOUT_MODEL_LIST: 'soon',
      ENABLE_OPENAI_API: 'maybe',
    });
    expect(problems.map((problem) => problem.split(':')[0]).sort()).toEqual(
      [
        'AIOHTTP_CLIENT_TIMEOUT_MODEL_LIST',
        'ENABLE_OPENAI_API',
        'OLLAMA_API_CONFIGS',
        'OLLAMA_BASE_URLS',
        'OPENAI_API_CONFIGS',
      ].sort(),
    );
  });
});
