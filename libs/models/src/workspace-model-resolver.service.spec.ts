import { describe, expect, it } from 'vitest';
import type { AuthenticatedUser, Clock } from '@atrium/common';
import type { ModelVisibilityService } from './model-visibility.service.js';
import type { WorkspaceModelRecord } from './model.model.js';
import type { ModelsRepository } from './models.repository.js';
import { WorkspaceModelResolver } from './workspace-model-resolver.service.js';

const user = { id: 'u1', name: 'Ada', email: 'ada@example.com', role: 'user' } as AuthenticatedUser;
const provider = new Map([
  ['llama3:latest', { id: 'llama3:latest', owned_by: 'ollama' }],
  ['gpt-4o', { id: 'gpt-4o', owned_by: 'openai' }],
]);

function row(fields: Partial<WorkspaceModelRecord> & { id: string }): WorkspaceModelRecord {
  return {
    userId: 'owner',
    baseModelId: null,
    name: fields.id,
    params: {},
    meta: {},
    isActive: true,
    createdAt: 1,
    updatedAt: 1,
    ...fields,
  };
}

function resolver(rows: WorkspaceModelRecord[], allowed: string[]) {
  const models = {
    findById: (id: string) => Promise.resolve(rows.find((entry) => entry.id === id)),
  } as unknown as ModelsRepository;
  const visibility = {
    canUse: (_user: AuthenticatedUser, id: string) => Promise.resolve(allowed.includes(id)),
  } as unknown as ModelVisibilityService;
  const clock = { nowMs: () => Date.UTC(2026, 0, 1) } as Clock;
  const service = new WorkspaceModelResolver(models, visibility, clock);
  return (model: string) =>
    service.resolveChat(user, { model, messages: [] }, (id) => provider.get(id));
}

describe('WorkspaceModelResolver', () => {
  it('leaves models without a workspace row to the caller', async () => {
    await expect(resolver([], [])('gpt-4o')).resolves.toBeUndefined();
  });

  it('runs a preset on its base (a bare Ollama name meaning :latest) with its params', async () => {
    const resolve = resolver(
      [
        row({
          id: 'helper',
          baseModelId: 'llama3',
          params: { system: 'Hi {{USER_NAME}}', top_k: 5 },
        }),
      ],
      ['helper'],
    );
    const resolved = await resolve('helper');
    expect(resolved?.model.id).toBe('llama3:latest');
    expect(resolved?.body).toEqual({
      model: 'llama3:latest',
      options: { top_k: 5 },
      messages: [{ role: 'system', content: 'Hi Ada' }],
    });
  });

  it('finds an Ollama overlay named without its tag', async () => {
    const resolve = resolver([row({ id: 'llama3', params: { temperature: 0.5 } })], ['llama3']);
    expect((await resolve('llama3:latest'))?.body).toMatchObject({
      model: 'llama3:latest',
      options: { temperature: 0.5 },
    });
  });

  it('refuses inactive rows (400), rows the caller may not use (403) and missing bases (400)', async () => {
    const resolve = resolver(
      [
        row({ id: 'off', baseModelId: 'gpt-4o', isActive: false }),
        row({ id: 'private', baseModelId: 'gpt-4o' }),
        row({ id: 'orphan', baseModelId: 'gone' }),
      ],
      ['off', 'orphan'],
    );
    await expect(resolve('off')).rejects.toMatchObject({ status: 400, detail: 'Model not found' });
    await expect(resolve('private')).rejects.toMatchObject({
      status: 403,
      detail: 'Model not found',
    });
    await expect(resolve('orphan')).rejects.toMatchObject({ status: 400 });
  });
});
