import { Injectable } from '@nestjs/common';
import { newId } from '@atrium/common';
import { DataSource, In, type EntityManager } from 'typeorm';
import { AccessGrantEntity } from './access-grant.entity.js';
import type {
  AccessGrant,
  GrantPermission,
  PrincipalType,
  StoredAccessGrant,
} from './access-grant.model.js';
import { ModelTablesCache } from './model-tables.cache.js';
import { MODEL_RESOURCE } from './model.model.js';

function toStored(entity: AccessGrantEntity): StoredAccessGrant {
  return {
    id: entity.id,
    resourceType: entity.resourceType,
    resourceId: entity.resourceId,
    principalType: entity.principalType as PrincipalType,
    principalId: entity.principalId,
    permission: entity.permission as GrantPermission,
    createdAt: entity.createdAt,
  };
}

/**
 * The only code that touches the access_grant table. The model grants (read on every chat and
 * /api/models) come from an in-memory copy dropped on every write (ModelTablesCache).
 */
@Injectable()
export class AccessGrantsRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly cache: ModelTablesCache,
  ) {}

  async findByResources(
    resourceType: string,
    resourceIds: readonly string[],
  ): Promise<StoredAccessGrant[]> {
    if (resourceIds.length === 0) return [];
    if (resourceType === MODEL_RESOURCE) {
      const byResource = await this.modelGrants();
      return [...new Set(resourceIds)].flatMap((id) => byResource.get(id) ?? []);
    }
    const rows: AccessGrantEntity[] = [];
    for (let start = 0; start < resourceIds.length; start += 500) {
      rows.push(...(await this.query(resourceType, resourceIds.slice(start, start + 500))));
    }
    return rows.map(toStored);
  }

  private query(resourceType: string, resourceIds?: readonly string[]) {
    return this.dataSource.getRepository(AccessGrantEntity).find({
      where:
        resourceIds === undefined
          ? { resourceType }
          : { resourceType, resourceId: In(resourceIds) },
      order: { permission: 'ASC', principalType: 'ASC', principalId: 'ASC' },
    });
  }

  /** Every model grant by model id (the order of the query above within each model). */
  private modelGrants(): Promise<Map<string, StoredAccessGrant[]>> {
    return this.cache.get('model-grants', async () => {
      const byResource = new Map<string, StoredAccessGrant[]>();
      for (const entity of await this.query(MODEL_RESOURCE)) {
        const grant = toStored(entity);
        const list = byResource.get(grant.resourceId);
        if (list) list.push(grant);
        else byResource.set(grant.resourceId, [grant]);
      }
      return byResource;
    });
  }

  /** Replaces every grant of one resource with `grants` in one transaction. */
  async replace(
    resourceType: string,
    resourceId: string,
    grants: readonly AccessGrant[],
    createdAt: number,
    manager?: EntityManager,
  ): Promise<void> {
    const run = async (entityManager: EntityManager) => {
      await entityManager.delete(AccessGrantEntity, { resourceType, resourceId });
      if (grants.length === 0) return;
      await entityManager.insert(
        AccessGrantEntity,
        grants.map((grant) => ({
          id: newId(),
          resourceType,
          resourceId,
          principalType: grant.principalType,
          principalId: grant.principalId,
          permission: grant.permission,
          createdAt,
        })),
      );
    };
    try {
      if (manager) await run(manager);
      else await this.dataSource.transaction(run);
    } finally {
      if (resourceType === MODEL_RESOURCE) this.cache.changed();
    }
  }

  /** Removes every grant naming this principal (a deleted user or group). */
  async deleteByPrincipal(principalType: PrincipalType, principalId: string): Promise<void> {
    await this.dataSource.manager.delete(AccessGrantEntity, { principalType, principalId });
    this.cache.changed();
  }

  /** Removes the grants of many resources of one type. */
  async deleteByResources(resourceType: string, resourceIds: readonly string[]): Promise<void> {
    for (let start = 0; start < resourceIds.length; start += 500) {
      await this.dataSource.manager.delete(AccessGrantEntity, {
        resourceType,
        resourceId: In(resourceIds.slice(start, start + 500)),
      });
    }
    if (resourceType === MODEL_RESOURCE) this.cache.changed();
  }

  async deleteByResource(
    resourceType: string,
    resourceId?: string,
    manager?: EntityManager,
  ): Promise<void> {
    await (manager ?? this.dataSource.manager).delete(
      AccessGrantEntity,
      resourceId === undefined ? { resourceType } : { resourceType, resourceId },
    );
    if (resourceType === MODEL_RESOURCE) this.cache.changed();
  }
}
