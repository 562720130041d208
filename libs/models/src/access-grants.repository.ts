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

/** The only code that touches the access_grant table. */
@Injectable()
export class AccessGrantsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async findByResources(
    resourceType: string,
    resourceIds: readonly string[],
  ): Promise<StoredAccessGrant[]> {
    if (resourceIds.length === 0) return [];
    const rows: AccessGrantEntity[] = [];
    for (let start = 0; start < resourceIds.length; start += 500) {
      rows.push(
        ...(await this.dataSource.getRepository(AccessGrantEntity).find({
          where: { resourceType, resourceId: In(resourceIds.slice(start, start + 500)) },
          order: { permission: 'ASC', principalType: 'ASC', principalId: 'ASC' },
        })),
      );
    }
    return rows.map(toStored);
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
    if (manager) await run(manager);
    else await this.dataSource.transaction(run);
  }

  /** Removes every grant naming this principal (a deleted user or group). */
  async deleteByPrincipal(principalType: PrincipalType, principalId: string): Promise<void> {
    await this.dataSource.manager.delete(AccessGrantEntity, { principalType, principalId });
  }

  /** Removes the grants of many resources of one type. */
  async deleteByResources(resourceType: string, resourceIds: readonly string[]): Promise<void> {
    for (let start = 0; start < resourceIds.length; start += 500) {
      await this.dataSource.manager.delete(AccessGrantEntity, {
        resourceType,
        resourceId: In(resourceIds.slice(start, start + 500)),
      });
    }
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
  }
}
