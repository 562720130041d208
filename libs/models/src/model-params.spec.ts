import { describe, expect, it } from 'vitest';
import { applyModelParams, applySystemPrompt, fillPromptTemplate } from './model-params.js';

const now = new Date(Date.UTC(2026, 0, 2, 15, 4, 5));

describe('applyModelParams', () => {
  it('sets OpenAI fields with their types, the model winning, and drops Open WebUI keys', () => {
    const body = { model: 'm', temperature: 0.1, messages: [] };
    const result = applyModelParams(
      body,
      {
        temperature: '0.7',
        max_tokens: 12.9,
        seed: 42,
        stop: ['\\n\\nUser:', 'END'],
        system: 'be brief',
        function_calling: 'native',
        stream_response: false,
        custom_params: { top_k: '40', response_format: '{"type":"json_object"}' },
      },
      'openai',
    );
    expect(result).toEqual({
      model: 'm',
      messages: [],
      temperature: 0.7,
      max_tokens: 12,
      seed: 42,
      stop: ['\n\nUser:', 'END'],
      top_k: 40,
      response_format: { type: 'json_object' },
      stream: false,
    });
    expect(body.temperature).toBe(0.1);
  });

  it('puts Ollama params in options (max_tokens as num_predict) and root fields at the root', () => {
    const result = applyModelParams(
      { model: 'm', temperature: 0.1, max_tokens: 5, response_format: { type: 'json_object' } },
      {
        temperature: 0.9,
        max_tokens: 64,
        num_ctx: '4096',
        keep_alive: '"5m"',
        format: 'json',
        mirostat: 1,
      },
      'ollama',
    );
    expect(result).toEqual({
      model: 'm',
      keep_alive: '5m',
      format: 'json',
      options: { temperature: 0.9, num_predict: 64, num_ctx: 4096, mirostat: 1 },
    });
  });

  it('skips values that do not cast', () => {
    expect(applyModelParams({}, { temperature: 'hot', top_p: null }, 'openai')).toEqual({});
  });
});

describe('applySystemPrompt', () => {
  it('inserts a system message first', () => {
    const result = applySystemPrompt(
      { messages: [{ role: 'user', content: 'hi' }] },
      'You help {{USER_NAME}}.',
      { user: { name: 'Ada' }, now },
    );
    expect(result.messages).toEqual([
      { role: 'system', content: 'You help Ada.' },
      { role: 'user', content: 'hi' },
    ]);
  });

  it('prepends to an existing leading system message, text parts included', () => {
    const plain = applySystemPrompt(
      { messages: [{ role: 'system', content: 'Existing' }] },
      'Model',
      { now },
    );
    expect(plain.messages).toEqual([{ role: 'system', content: 'Model\nExisting' }]);
    const parts = applySystemPrompt(
      { messages: [{ role: 'system', content: [{ type: 'text', text: 'A' }] }] },
      'Model',
      { now },
    );
    expect(parts.messages).toEqual([
      { role: 'system', content: [{ type: 'text', text: 'Model\nA' }] },
    ]);
  });

  it('leaves the body alone without a system prompt', () => {
    const body = { messages: [] };
    expect(applySystemPrompt(body, '', { now })).toBe(body);
    expect(applySystemPrompt(body, undefined, { now })).toBe(body);
  });
});

describe('fillPromptTemplate', () => {
  it('fills chat variables, user and clock placeholders', () => {
    expect(
      fillPromptTemplate(
        '{{city}} {{USER_NAME}} {{CURRENT_DATE}} {{CURRENT_TIME}} {{CURRENT_WEEKDAY}}',
        {
          user: { name: 'Ada' },
          variables: { '{{city}}': 'Paris' },
          now,
        },
      ),
    ).toBe('Paris Ada 2026-01-02 03:04:05 PM Friday');
  });
});
