import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager, type QueryDeepPartialEntity } from 'typeorm';
import { ModelTablesCache } from './model-tables.cache.js';
import { ModelEntity } from './model.entity.js';
import type { WorkspaceModelRecord } from './model.model.js';

function toRecord(entity: ModelEntity): WorkspaceModelRecord {
  return {
    id: entity.id,
    userId: entity.userId,
    baseModelId: entity.baseModelId,
    name: entity.name,
    params: entity.params ?? {},
    meta: entity.meta ?? {},
    isActive: entity.isActive,
    createdAt: entity.createdAt,
    updatedAt: entity.updatedAt,
  };
}

export type ModelKind = 'preset' | 'base' | 'all';

interface ModelTable {
  rows: WorkspaceModelRecord[];
  byId: Map<string, WorkspaceModelRecord>;
}

/**
 * The only code that touches the model table. Reads come from an in-memory copy of the whole
 * table (ModelTablesCache: dropped on every write here, on other instances via Redis); the
 * table holds admin-made rows only, so it stays small.
 */
@Injectable()
export class ModelsRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly cache: ModelTablesCache,
  ) {}

  /** Runs `work` in a transaction; cached copies are dropped once it has committed or failed. */
  async transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    try {
      return await this.dataSource.transaction(work);
    } finally {
      this.cache.changed();
    }
  }

  async findById(id: string): Promise<WorkspaceModelRecord | undefined> {
    return (await this.table()).byId.get(id);
  }

  /** The rows with these ids (missing ids are skipped). */
  async findByIds(ids: readonly string[]): Promise<WorkspaceModelRecord[]> {
    const { byId } = await this.table();
    const rows: WorkspaceModelRecord[] = [];
    for (const id of new Set(ids)) {
      const row = byId.get(id);
      if (row) rows.push(row);
    }
    return rows;
  }

  /** Every row of a kind: presets have a base model, base rows (overlays) do not. */
  async findAll(kind: ModelKind): Promise<WorkspaceModelRecord[]> {
    const { rows } = await this.table();
    if (kind === 'all') return [...rows];
    return rows.filter((row) => (kind === 'preset') === (row.baseModelId !== null));
  }

  /** The whole table, newest first (updated_at DESC, id ASC), from the cache. */
  private table(): Promise<ModelTable> {
    return this.cache.get('model-table', async () => {
      const entities = await this.dataSource
        .getRepository(ModelEntity)
        .find({ order: { updatedAt: 'DESC', id: 'ASC' } });
      const rows = entities.map(toRecord);
      return { rows, byId: new Map(rows.map((row) => [row.id, row])) };
    });
  }

  async insert(record: WorkspaceModelRecord, manager: EntityManager): Promise<void> {
    await manager.insert(ModelEntity, record as QueryDeepPartialEntity<ModelEntity>);
    this.cache.changed();
  }

  async update(
    id: string,
    changes: Partial<Omit<WorkspaceModelRecord, 'id' | 'createdAt'>>,
    manager?: EntityManager,
  ): Promise<void> {
    await (manager ?? this.dataSource.manager).update(
      ModelEntity,
      { id },
      changes as QueryDeepPartialEntity<ModelEntity>,
    );
    this.cache.changed();
  }

  async delete(id: string, manager: EntityManager): Promise<void> {
    await manager.delete(ModelEntity, { id });
    this.cache.changed();
  }

  async deleteAll(manager: EntityManager): Promise<void> {
    await manager.createQueryBuilder().delete().from(ModelEntity).execute();
    this.cache.changed();
  }
}
