import { describe, expect, it } from 'vitest';
import type { ModelRecord } from '@atrium/providers';
import { pickTaskModel } from './task-model.js';
import {
  DEFAULT_TITLE_PROMPT,
  parseTaskAnswer,
  renderTaskPrompt,
  stringList,
} from './task-prompts.js';

const messages = [
  { role: 'system', content: 'be nice' },
  { role: 'user', content: 'one' },
  { role: 'assistant', content: 'two' },
  { role: 'user', content: [{ type: 'text', text: 'three' }, { type: 'image_url' }] },
  { role: 'assistant', content: 'four' },
];

describe('task prompts', () => {
  it('fills the MESSAGES placeholders without the system prompt', () => {
    expect(renderTaskPrompt('{{MESSAGES:END:2}}', messages)).toBe('USER: three\nASSISTANT: four');
    expect(renderTaskPrompt('{{MESSAGES:START:1}}|', messages)).toBe('USER: one|');
    expect(renderTaskPrompt('{{MESSAGES}}', messages).split('\n')).toHaveLength(4);
    expect(renderTaskPrompt(DEFAULT_TITLE_PROMPT, messages)).toContain('ASSISTANT: four');
  });

  it('finds the JSON object in an answer wrapped in prose or fences', () => {
    expect(parseTaskAnswer('Sure!\n```json\n{"title": "A B"}\n```')).toEqual({ title: 'A B' });
    expect(parseTaskAnswer('no json here')).toBeUndefined();
    expect(parseTaskAnswer('{broken')).toBeUndefined();
    expect(stringList(['a', ' b ', '', 3, 'c'], 2)).toEqual(['a', 'b']);
    expect(stringList('a', 2)).toEqual([]);
  });
});

describe('pickTaskModel', () => {
  const models = new Map<string, ModelRecord>([
    ['llama', { id: 'llama', name: 'l', owned_by: 'ollama', connection_type: 'local' }],
    ['gpt', { id: 'gpt', name: 'g', owned_by: 'openai', connection_type: 'external' }],
    ['small', { id: 'small', name: 's', owned_by: 'ollama', connection_type: 'local' }],
  ]);

  it('uses TASK_MODEL for local chat models and TASK_MODEL_EXTERNAL for the others', () => {
    const settings = { local: 'small', external: 'gpt' };
    expect(pickTaskModel('llama', models, settings)).toBe('small');
    expect(pickTaskModel('gpt', models, { local: 'small', external: 'small' })).toBe('small');
    expect(pickTaskModel('gpt', models, { local: 'small', external: '' })).toBe('gpt');
  });

  it('falls back to the chat model when the configured one does not exist', () => {
    expect(pickTaskModel('llama', models, { local: 'gone', external: '' })).toBe('llama');
  });
});
