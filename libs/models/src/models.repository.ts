import { Injectable } from '@nestjs/common';
import {
  DataSource,
  In,
  IsNull,
  Not,
  type EntityManager,
  type QueryDeepPartialEntity,
} from 'typeorm';
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

/** The only code that touches the model table. */
@Injectable()
export class ModelsRepository {
  constructor(private readonly dataSource: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  async findById(id: string): Promise<WorkspaceModelRecord | undefined> {
    const entity = await this.dataSource.getRepository(ModelEntity).findOneBy({ id });
    return entity ? toRecord(entity) : undefined;
  }

  /** The rows with these ids (missing ids are skipped). */
  async findByIds(ids: readonly string[]): Promise<WorkspaceModelRecord[]> {
    const rows: ModelEntity[] = [];
    const unique = [...new Set(ids)];
    for (let start = 0; start < unique.length; start += 500) {
      rows.push(
        ...(await this.dataSource
          .getRepository(ModelEntity)
          .findBy({ id: In(unique.slice(start, start + 500)) })),
      );
    }
    return rows.map(toRecord);
  }

  /** Every row of a kind: presets have a base model, base rows (overlays) do not. */
  async findAll(kind: ModelKind): Promise<WorkspaceModelRecord[]> {
    const where =
      kind === 'preset'
        ? { baseModelId: Not(IsNull()) }
        : kind === 'base'
          ? { baseModelId: IsNull() }
          : {};
    const rows = await this.dataSource
      .getRepository(ModelEntity)
      .find({ where, order: { updatedAt: 'DESC', id: 'ASC' } });
    return rows.map(toRecord);
  }

  async insert(record: WorkspaceModelRecord, manager: EntityManager): Promise<void> {
    await manager.insert(ModelEntity, record as QueryDeepPartialEntity<ModelEntity>);
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
  }

  async delete(id: string, manager: EntityManager): Promise<void> {
    await manager.delete(ModelEntity, { id });
  }

  async deleteAll(manager: EntityManager): Promise<void> {
    await manager.createQueryBuilder().delete().from(ModelEntity).execute();
  }
}
