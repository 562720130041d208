import type { AccessGrant } from '../access-grant.model.js';
import { grantsFromLegacy, legacyFromGrants } from '../access-grants.js';
import type { WorkspaceModel, WorkspaceModelInput, WorkspaceModelView } from '../model.model.js';
import type { ModelFormDto } from './model-requests.dto.js';

export interface AccessGrantResponse {
  principal_type: string;
  principal_id: string;
  permission: string;
}

/** Open WebUI's ModelModel with both the legacy access_control view and the grants. */
export interface ModelResponse {
  id: string;
  user_id: string;
  base_model_id: string | null;
  name: string;
  params: Record<string, unknown>;
  meta: Record<string, unknown>;
  access_control: ReturnType<typeof legacyFromGrants>;
  access_grants: AccessGrantResponse[];
  is_active: boolean;
  updated_at: number;
  created_at: number;
}

export interface ModelAccessResponse extends ModelResponse {
  write_access: boolean;
}

export interface ModelPageResponse {
  items: ModelAccessResponse[];
  total: number;
}

function toGrantResponse(grant: AccessGrant): AccessGrantResponse {
  return {
    principal_type: grant.principalType,
    principal_id: grant.principalId,
    permission: grant.permission,
  };
}

export function toModelResponse(model: WorkspaceModel): ModelResponse {
  return {
    id: model.id,
    user_id: model.userId,
    base_model_id: model.baseModelId,
    name: model.name,
    params: model.params,
    meta: model.meta,
    access_control: legacyFromGrants(model.grants),
    access_grants: model.grants.map(toGrantResponse),
    is_active: model.isActive,
    updated_at: model.updatedAt,
    created_at: model.createdAt,
  };
}

export function toModelAccessResponse(model: WorkspaceModelView): ModelAccessResponse {
  return { ...toModelResponse(model), write_access: model.writeAccess };
}

/** A /list item: no profile image (the UI loads it by URL); params only for writers. */
export function toModelListItem(model: WorkspaceModelView): ModelAccessResponse {
  const { profile_image_url: _image, ...meta } = model.meta;
  return {
    ...toModelAccessResponse(model),
    meta,
    params: model.writeAccess ? model.params : {},
  };
}

/** API grant entries (snake_case) in the service's shape; the service drops invalid ones. */
function grantsFromApi(entries: unknown[]): unknown[] {
  return entries.map((entry) => {
    if (typeof entry !== 'object' || entry === null) return entry;
    const { principal_type, principal_id, permission } = entry as Record<string, unknown>;
    return { principalType: principal_type, principalId: principal_id, permission };
  });
}

/**
 * The grants a form asks for: access_grants when sent, else the legacy access_control when
 * the key is present (null = public), else undefined (create: none; update: unchanged).
 */
export function requestedGrants(form: {
  access_grants?: unknown[] | null;
  access_control?: unknown;
}): unknown[] | undefined {
  if (Array.isArray(form.access_grants)) return grantsFromApi(form.access_grants);
  if ('access_control' in form && form.access_control !== undefined)
    return grantsFromLegacy(form.access_control);
  return undefined;
}

export function toModelInput(form: ModelFormDto, id = form.id): WorkspaceModelInput {
  return {
    id,
    baseModelId: form.base_model_id ?? null,
    name: form.name,
    params: form.params ?? {},
    meta: form.meta ?? {},
    isActive: form.is_active ?? undefined,
    grants: requestedGrants(form),
  };
}

/** One entry of /import or /sync, read leniently; undefined when it has no usable id/name. */
export function toImportedModel(
  entry: Record<string, unknown>,
): (WorkspaceModelInput & { userId?: string }) | undefined {
  const { id, name } = entry;
  if (typeof id !== 'string' || id.length === 0) return undefined;
  const object = (value: unknown) =>
    typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  return {
    id,
    name: typeof name === 'string' ? name : id,
    baseModelId: typeof entry.base_model_id === 'string' ? entry.base_model_id : null,
    params: object(entry.params),
    meta: object(entry.meta),
    isActive: typeof entry.is_active === 'boolean' ? entry.is_active : undefined,
    userId: typeof entry.user_id === 'string' ? entry.user_id : undefined,
    grants: requestedGrants(entry),
  };
}
