import { Injectable } from '@nestjs/common';
import { Clock, ErrorMessages, type AuthenticatedUser } from '@atrium/common';
import type { Transaction } from '@atrium/database';
import type { AccessGrant } from './access-grant.model.js';
import { AccessControlService } from './access-control.service.js';
import {
  MAX_MODEL_ID_LENGTH,
  ModelAccessDeniedError,
  ModelIdTakenError,
  ModelIdTooLongError,
  ModelNotFoundError,
} from './models.errors.js';
import { ModelTablesCache } from './model-tables.cache.js';
import { ModelsRepository, type ModelKind } from './models.repository.js';
import {
  MODEL_RESOURCE,
  type WorkspaceModel,
  type WorkspaceModelInput,
  type WorkspaceModelPage,
  type WorkspaceModelQuery,
  type WorkspaceModelRecord,
  type WorkspaceModelView,
} from './model.model.js';

export const MODELS_PAGE_SIZE = 30;
export const DEFAULT_PROFILE_IMAGE = '/static/favicon.png';

/** What GET /model/profile/image answers. */
export type ModelProfileImage =
  | { kind: 'redirect'; location: string }
  | { kind: 'image'; mediaType: string; bytes: Buffer; etag: string };
const PUBLIC_MODELS_PERMISSION = 'sharing.public_models';

/** Workspace models (§3.5) with their access grants. */
@Injectable()
export class ModelsService {
  constructor(
    private readonly models: ModelsRepository,
    private readonly access: AccessControlService,
    private readonly clock: Clock,
    private readonly cache: ModelTablesCache,
  ) {}

  /** GET /list: presets the caller owns or may read, filtered, sorted and paged. */
  async list(user: AuthenticatedUser, query: WorkspaceModelQuery): Promise<WorkspaceModelPage> {
    let visible = await this.visible(user, 'preset');
    const text = query.query?.trim().toLowerCase();
    if (text) {
      visible = visible.filter(
        (model) => model.name.toLowerCase().includes(text) || model.id.toLowerCase().includes(text),
      );
    }
    if (query.viewOption === 'created') visible = visible.filter((m) => m.userId === user.id);
    if (query.viewOption === 'shared') visible = visible.filter((m) => m.userId !== user.id);
    const tag = query.tag?.trim().toLowerCase();
    if (tag) visible = visible.filter((model) => tagsOf(model).includes(tag));
    const column =
      query.orderBy === 'name' || query.orderBy === 'created_at' ? query.orderBy : 'updated_at';
    const sign = query.direction === 'asc' ? 1 : -1;
    visible.sort((a, b) => {
      const order =
        column === 'name'
          ? a.name.localeCompare(b.name)
          : column === 'created_at'
            ? a.createdAt - b.createdAt
            : a.updatedAt - b.updatedAt;
      return sign * order || a.id.localeCompare(b.id);
    });
    const page = Math.max(1, Math.floor(query.page ?? 1));
    const items = visible.slice((page - 1) * MODELS_PAGE_SIZE, page * MODELS_PAGE_SIZE);
    return { items, total: visible.length };
  }

  /** GET /base (admin): the overlay rows on provider models. */
  async listBase(tag?: string): Promise<WorkspaceModel[]> {
    const rows = await this.withGrants(await this.models.findAll('base'));
    const wanted = tag?.trim().toLowerCase();
    return wanted ? rows.filter((model) => tagsOf(model).includes(wanted)) : rows;
  }

  /** GET /tags: the tag names of the presets the caller may see; /base/tags for overlays. */
  async tags(user: AuthenticatedUser, kind: ModelKind): Promise<string[]> {
    const rows = kind === 'base' ? await this.listBase() : await this.visible(user, 'preset');
    const names = new Set<string>();
    for (const model of rows) for (const name of tagNamesOf(model)) names.add(name);
    return [...names].sort((a, b) => a.localeCompare(b));
  }

  /** GET /export: every row for admins, else the rows the caller may write. */
  async export(user: AuthenticatedUser): Promise<WorkspaceModel[]> {
    const all = await this.visible(user, 'all');
    return all.filter((model) => model.writeAccess);
  }

  /** GET /model?id= */
  async get(user: AuthenticatedUser, id: string): Promise<WorkspaceModelView> {
    const model = await this.find(id);
    if (!model) throw new ModelNotFoundError(404);
    const check = await this.access.checkerFor(user);
    const resource = { ownerId: model.userId, grants: model.grants };
    if (!check(resource, 'read') && !check(resource, 'write'))
      throw new ModelAccessDeniedError(401, ErrorMessages.ACCESS_PROHIBITED);
    return { ...model, writeAccess: check(resource, 'write') };
  }

  /**
   * GET /model/profile/image: the row's `meta.profile_image_url` as Open WebUI serves it (an
   * http(s) URL is a redirect, a data: URL the decoded image); anything else, and rows the
   * caller may not read, is the default favicon (so the answer tells nothing about them).
   */
  async profileImage(user: AuthenticatedUser, id: string): Promise<ModelProfileImage> {
    const fallback: ModelProfileImage = { kind: 'redirect', location: DEFAULT_PROFILE_IMAGE };
    const model = await this.find(id);
    if (!model) return fallback;
    const check = await this.access.checkerFor(user);
    if (!check(toResource(model), 'read') && !check(toResource(model), 'write')) return fallback;
    const url = model.meta.profile_image_url;
    if (typeof url !== 'string') return fallback;
    if (/^https?:\/\//i.test(url)) return { kind: 'redirect', location: url };
    const data = /^data:(image\/[\w.+-]+)(;base64)?,(.*)$/is.exec(url);
    if (!data) return fallback;
    const bytes = data[2]
      ? Buffer.from(data[3], 'base64')
      : Buffer.from(decodeURIComponent(data[3]), 'utf8');
    return { kind: 'image', mediaType: data[1], bytes, etag: `"${model.updatedAt}"` };
  }

  /** POST /create */
  async create(user: AuthenticatedUser, input: WorkspaceModelInput): Promise<WorkspaceModel> {
    if (input.id.length > MAX_MODEL_ID_LENGTH) throw new ModelIdTooLongError();
    if (await this.models.findById(input.id)) throw new ModelIdTakenError();
    const grants = await this.access.filterAllowedGrants(
      user,
      input.grants ?? [],
      PUBLIC_MODELS_PERMISSION,
    );
    const now = this.clock.nowSeconds();
    const record: WorkspaceModelRecord = {
      id: input.id,
      userId: user.id,
      baseModelId: input.baseModelId,
      name: input.name,
      params: input.params,
      meta: input.meta,
      isActive: input.isActive ?? true,
      createdAt: now,
      updatedAt: now,
    };
    try {
      await this.models.transaction(async (manager) => {
        await this.models.insert(record, manager);
        await this.access.setGrants(MODEL_RESOURCE, record.id, grants, manager);
      });
    } catch (error) {
      if (await this.models.findById(input.id)) throw new ModelIdTakenError();
      throw error;
    }
    return (await this.find(record.id))!;
  }

  /** POST /model/update: the form replaces the row's fields; grants only when sent. */
  async update(user: AuthenticatedUser, input: WorkspaceModelInput): Promise<WorkspaceModel> {
    const model = await this.requireWritable(user, input.id, 400, ErrorMessages.ACCESS_PROHIBITED);
    await this.models.transaction(async (manager) => {
      await this.models.update(
        model.id,
        {
          baseModelId: input.baseModelId,
          name: input.name,
          params: input.params,
          meta: input.meta,
          ...(input.isActive === undefined ? {} : { isActive: input.isActive }),
          updatedAt: this.clock.nowSeconds(),
        },
        manager,
      );
      if (input.grants !== undefined) await this.replaceGrants(user, model, input.grants, manager);
    });
    return (await this.find(model.id))!;
  }

  /** POST /model/toggle */
  async toggle(user: AuthenticatedUser, id: string): Promise<WorkspaceModel> {
    const model = await this.requireWritable(user, id, 401, ErrorMessages.UNAUTHORIZED);
    await this.models.update(id, { isActive: !model.isActive, updatedAt: this.clock.nowSeconds() });
    return (await this.find(id))!;
  }

  /**
   * POST /model/access/update: replaces a model's grants. An admin may name a provider model
   * that has no row yet: a stub overlay row is created for it.
   */
  async updateAccess(
    user: AuthenticatedUser,
    id: string,
    name: string | undefined,
    grants: unknown[],
  ): Promise<WorkspaceModel> {
    if (id.length > MAX_MODEL_ID_LENGTH) throw new ModelIdTooLongError();
    const existing = await this.models.findById(id);
    if (!existing && user.role === 'admin') {
      const now = this.clock.nowSeconds();
      await this.models.transaction(async (manager) => {
        await this.models.insert(
          {
            id,
            userId: user.id,
            baseModelId: null,
            name: name ?? id,
            params: {},
            meta: {},
            isActive: true,
            createdAt: now,
            updatedAt: now,
          },
          manager,
        );
        await this.access.setGrants(
          MODEL_RESOURCE,
          id,
          await this.access.filterAllowedGrants(user, grants, PUBLIC_MODELS_PERMISSION),
          manager,
        );
      });
      return (await this.find(id))!;
    }
    const model = await this.requireWritable(user, id, 401, ErrorMessages.UNAUTHORIZED);
    await this.models.transaction(async (manager) => {
      await this.replaceGrants(user, model, grants, manager);
      await this.models.update(id, { updatedAt: this.clock.nowSeconds() }, manager);
    });
    return (await this.find(id))!;
  }

  /** POST /model/delete, DELETE /model/delete?id= */
  async delete(user: AuthenticatedUser, id: string): Promise<true> {
    await this.requireWritable(user, id, 401, ErrorMessages.UNAUTHORIZED);
    await this.models.transaction(async (manager) => {
      await this.models.delete(id, manager);
      await this.access.setGrants(MODEL_RESOURCE, id, [], manager);
    });
    return true;
  }

  /** DELETE /delete/all (admin). */
  async deleteAll(): Promise<true> {
    await this.models.transaction(async (manager) => {
      await this.models.deleteAll(manager);
      await this.access.removeGrants(MODEL_RESOURCE, undefined, manager);
    });
    return true;
  }

  /**
   * POST /import: upserts each model; existing ones need write access (others are skipped),
   * new ones are created for the caller.
   */
  async import(user: AuthenticatedUser, inputs: WorkspaceModelInput[]): Promise<true> {
    for (const input of inputs) {
      if (input.id.length === 0 || input.id.length > MAX_MODEL_ID_LENGTH) continue;
      const existing = await this.find(input.id);
      if (!existing) {
        await this.create(user, input);
        continue;
      }
      if (!(await this.access.canAccess(user, toResource(existing), 'write'))) continue;
      await this.update(user, input);
    }
    return true;
  }

  /**
   * POST /sync (admin): makes the table hold exactly these models: listed ones are upserted
   * (keeping their owner when given), the others are deleted.
   */
  async sync(
    user: AuthenticatedUser,
    inputs: (WorkspaceModelInput & { userId?: string })[],
  ): Promise<WorkspaceModel[]> {
    const now = this.clock.nowSeconds();
    const wanted = new Map(
      inputs
        .filter((input) => input.id.length <= MAX_MODEL_ID_LENGTH)
        .map((input) => [input.id, input]),
    );
    await this.models.transaction(async (manager) => {
      for (const existing of await this.models.findAll('all')) {
        if (wanted.has(existing.id)) continue;
        await this.models.delete(existing.id, manager);
        await this.access.setGrants(MODEL_RESOURCE, existing.id, [], manager);
      }
      for (const input of wanted.values()) {
        const existing = await this.models.findById(input.id);
        const fields = {
          userId: input.userId ?? existing?.userId ?? user.id,
          baseModelId: input.baseModelId,
          name: input.name,
          params: input.params,
          meta: input.meta,
          isActive: input.isActive ?? existing?.isActive ?? true,
          updatedAt: now,
        };
        if (existing) await this.models.update(input.id, fields, manager);
        else await this.models.insert({ id: input.id, createdAt: now, ...fields }, manager);
        if (input.grants !== undefined)
          await this.access.setGrants(MODEL_RESOURCE, input.id, input.grants, manager);
      }
    });
    return this.withGrants(await this.models.findAll('all'));
  }

  /**
   * Every row with its grants, for the providers' aggregation (§4.2 step 5): overlays
   * (no base model) rename or hide provider models, active presets are appended. The same
   * (cached, not to be mutated) array until the next write, so callers can key on it.
   */
  allModels(): Promise<WorkspaceModel[]> {
    return this.cache.get('models-with-grants', async () =>
      this.withGrants(await this.models.findAll('all')),
    );
  }

  /** One row with its grants, or undefined. */
  async find(id: string): Promise<WorkspaceModel | undefined> {
    const record = await this.models.findById(id);
    return record ? (await this.withGrants([record]))[0] : undefined;
  }

  private async visible(user: AuthenticatedUser, kind: ModelKind): Promise<WorkspaceModelView[]> {
    const rows = await this.withGrants(await this.models.findAll(kind));
    const check = await this.access.checkerFor(user);
    return rows
      .map((model) => {
        const resource = toResource(model);
        const writeAccess = check(resource, 'write');
        return { model, writeAccess, readable: writeAccess || check(resource, 'read') };
      })
      .filter((entry) => entry.readable)
      .map((entry) => ({ ...entry.model, writeAccess: entry.writeAccess }));
  }

  private async requireWritable(
    user: AuthenticatedUser,
    id: string,
    deniedStatus: number,
    deniedDetail: string,
  ): Promise<WorkspaceModel> {
    const model = await this.find(id);
    if (!model) throw new ModelNotFoundError();
    if (!(await this.access.canAccess(user, toResource(model), 'write')))
      throw new ModelAccessDeniedError(deniedStatus, deniedDetail);
    return model;
  }

  /** Replaces the grants with those of `grants` the caller may create. */
  private async replaceGrants(
    user: AuthenticatedUser,
    model: WorkspaceModel,
    grants: unknown[],
    manager: Transaction,
  ): Promise<void> {
    const allowed = await this.access.filterAllowedGrants(user, grants, PUBLIC_MODELS_PERMISSION);
    await this.access.setGrants(MODEL_RESOURCE, model.id, allowed, manager);
  }

  private async withGrants(rows: WorkspaceModelRecord[]): Promise<WorkspaceModel[]> {
    const grants = await this.access.grantsOf(
      MODEL_RESOURCE,
      rows.map((row) => row.id),
    );
    return rows.map((row) => ({ ...row, grants: grants.get(row.id) ?? [] }));
  }
}

function toResource(model: WorkspaceModel): { ownerId: string; grants: AccessGrant[] } {
  return { ownerId: model.userId, grants: model.grants };
}

function tagNamesOf(model: WorkspaceModelRecord): string[] {
  const tags = model.meta.tags;
  if (!Array.isArray(tags)) return [];
  return (tags as unknown[])
    .map((tag) =>
      typeof tag === 'object' && tag !== null ? (tag as { name?: unknown }).name : tag,
    )
    .filter((name): name is string => typeof name === 'string' && name.length > 0);
}

function tagsOf(model: WorkspaceModelRecord): string[] {
  return tagNamesOf(model).map((name) => name.toLowerCase());
}
