import type { AccessGrant } from './access-grant.model.js';

/** The grant resource type of workspace models. */
export const MODEL_RESOURCE = 'model';

/** A workspace model row. */
export interface WorkspaceModelRecord {
  id: string;
  userId: string;
  baseModelId: string | null;
  name: string;
  params: Record<string, unknown>;
  meta: Record<string, unknown>;
  isActive: boolean;
  createdAt: number;
  updatedAt: number;
}

/** A row with its grants. */
export interface WorkspaceModel extends WorkspaceModelRecord {
  grants: AccessGrant[];
}

/** A row as one caller sees it. */
export interface WorkspaceModelView extends WorkspaceModel {
  writeAccess: boolean;
}

/** The editable fields of a model (Open WebUI's ModelForm). */
export interface WorkspaceModelInput {
  id: string;
  baseModelId: string | null;
  name: string;
  params: Record<string, unknown>;
  meta: Record<string, unknown>;
  isActive?: boolean;
  /** New grants: access_grants when given, else the legacy access_control, else keep/none. */
  grants?: unknown[];
}

export interface WorkspaceModelQuery {
  query?: string;
  viewOption?: string;
  tag?: string;
  orderBy?: string;
  direction?: string;
  page?: number;
}

export interface WorkspaceModelPage {
  items: WorkspaceModelView[];
  total: number;
}
