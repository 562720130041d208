import { toModelResponse, type ModelResponse } from './dto/model-responses.js';
import type { WorkspaceModel } from './model.model.js';

/** A provider model as the aggregated list carries it (§4.3): open-ended fields plus these. */
export type ListedModel = Record<string, unknown> & { id: string; name: string; owned_by: string };

/**
 * Whether a workspace id names this provider model: the same id, or for Ollama the name
 * without its `:tag` (`llama3` names `llama3:latest`).
 */
export function namesModel(
  workspaceId: string,
  model: { id: string; owned_by?: unknown },
): boolean {
  return (
    workspaceId === model.id || (model.owned_by === 'ollama' && workspaceId === untagged(model.id))
  );
}

/** Whether a preset's base id names this model (any provider may be matched without a tag). */
function isBaseOf(baseModelId: string, model: { id: string }): boolean {
  return baseModelId === model.id || baseModelId === untagged(model.id);
}

/**
 * Layers the workspace rows over the provider models (§4.2 step 5):
 * - a row without a base model that names a provider model renames it and sets `info` (the
 *   whole row); when inactive, the provider model is removed;
 * - an active row with a base model becomes its own entry (`preset: true`) owned like its base
 *   (unless its id is already a provider model's).
 * `info.meta.profile_image_url` is dropped (the UI loads icons by URL) and `info.meta.tags`
 * joins the entry's `tags`. The input is not mutated.
 */
export function overlayWorkspaceModels<T extends ListedModel>(
  providerModels: readonly T[],
  rows: readonly WorkspaceModel[],
): ListedModel[] {
  const overlays = rows.filter((row) => row.baseModelId === null);
  const result: ListedModel[] = [];
  for (const model of providerModels) {
    const overlay =
      overlays.find((row) => row.id === model.id) ??
      overlays.find((row) => namesModel(row.id, model));
    if (!overlay) {
      result.push(model);
      continue;
    }
    if (!overlay.isActive) continue;
    result.push(withInfo({ ...model, name: overlay.name }, overlay));
  }
  const listed = new Set(providerModels.map((model) => model.id));
  for (const row of rows) {
    if (row.baseModelId === null || !row.isActive || listed.has(row.id)) continue;
    const base = providerModels.find((model) => isBaseOf(row.baseModelId!, model));
    const entry: ListedModel = {
      id: row.id,
      name: row.name,
      object: 'model',
      created: row.createdAt,
      owned_by: base?.owned_by ?? 'openai',
      preset: true,
    };
    if (base?.pipe !== undefined) entry.pipe = base.pipe;
    result.push(withInfo(entry, row));
  }
  return result;
}

/** The entry with `info` = the row as Open WebUI's ModelModel, and the row's tags merged in. */
function withInfo(entry: ListedModel, row: WorkspaceModel): ListedModel {
  const info = modelInfo(row);
  const tags = mergeTags(entry.tags, info.meta.tags);
  return { ...entry, info, ...(tags.length > 0 ? { tags } : {}) };
}

function modelInfo(row: WorkspaceModel): ModelResponse {
  const response = toModelResponse(row);
  const { profile_image_url: _image, ...meta } = response.meta;
  return { ...response, meta };
}

function mergeTags(...lists: unknown[]): { name: string }[] {
  const names: string[] = [];
  for (const list of lists) {
    if (!Array.isArray(list)) continue;
    for (const tag of list) {
      const name =
        typeof tag === 'string'
          ? tag
          : typeof tag === 'object' && tag !== null
            ? (tag as { name?: unknown }).name
            : undefined;
      if (typeof name === 'string' && name !== '' && !names.includes(name)) names.push(name);
    }
  }
  return names.map((name) => ({ name }));
}

function untagged(id: string): string {
  return id.split(':')[0];
}
