import { describe, expect, it } from 'vitest';
import { overlayWorkspaceModels, type ListedModel } from './model-overlay.js';
import type { WorkspaceModel } from './model.model.js';

const provider: ListedModel[] = [
  { id: 'gpt-4o', name: 'gpt-4o', owned_by: 'openai', tags: [{ name: 'fast' }] },
  { id: 'llama3:latest', name: 'llama3:latest', owned_by: 'ollama' },
  { id: 'qwen:7b', name: 'qwen:7b', owned_by: 'ollama' },
];

function row(fields: Partial<WorkspaceModel> & { id: string }): WorkspaceModel {
  return {
    userId: 'u1',
    baseModelId: null,
    name: fields.id,
    params: {},
    meta: {},
    isActive: true,
    createdAt: 100,
    updatedAt: 200,
    grants: [],
    ...fields,
  };
}

describe('overlayWorkspaceModels', () => {
  it('renames a base model, with info = the row, and Ollama names without a tag', () => {
    const result = overlayWorkspaceModels(provider, [
      row({
        id: 'gpt-4o',
        name: 'GPT',
        meta: { profile_image_url: 'x', tags: [{ name: 'work' }] },
      }),
      row({ id: 'llama3', name: 'Llama' }),
    ]);
    expect(result.map((model) => [model.id, model.name])).toEqual([
      ['gpt-4o', 'GPT'],
      ['llama3:latest', 'Llama'],
      ['qwen:7b', 'qwen:7b'],
    ]);
    expect(result[0].info).toMatchObject({
      id: 'gpt-4o',
      base_model_id: null,
      meta: { tags: [{ name: 'work' }] },
      access_control: {},
      is_active: true,
    });
    expect((result[0].info as { meta: object }).meta).not.toHaveProperty('profile_image_url');
    expect(result[0].tags).toEqual([{ name: 'fast' }, { name: 'work' }]);
  });

  it('removes a base model whose overlay is inactive', () => {
    const result = overlayWorkspaceModels(provider, [row({ id: 'qwen:7b', isActive: false })]);
    expect(result.map((model) => model.id)).toEqual(['gpt-4o', 'llama3:latest']);
  });

  it('appends active presets owned like their base, skipping inactive ones', () => {
    const result = overlayWorkspaceModels(provider, [
      row({ id: 'helper', name: 'Helper', baseModelId: 'llama3', params: { temperature: 1 } }),
      row({ id: 'coder', baseModelId: 'gpt-4o' }),
      row({ id: 'orphan', baseModelId: 'gone' }),
      row({ id: 'off', baseModelId: 'gpt-4o', isActive: false }),
    ]);
    const presets = result.slice(3);
    expect(presets.map((model) => [model.id, model.owned_by, model.preset])).toEqual([
      ['helper', 'ollama', true],
      ['coder', 'openai', true],
      ['orphan', 'openai', true],
    ]);
    expect(presets[0]).toMatchObject({
      name: 'Helper',
      object: 'model',
      created: 100,
      info: { base_model_id: 'llama3', params: { temperature: 1 } },
    });
  });

  it('does not mutate the provider list', () => {
    const copy = structuredClone(provider);
    overlayWorkspaceModels(provider, [row({ id: 'gpt-4o', name: 'X' })]);
    expect(provider).toEqual(copy);
  });
});
