import { Inject, Injectable } from '@nestjs/common';
import { DataSource, In, type QueryDeepPartialEntity } from 'typeorm';
import { FolderEntity } from './folder.entity.js';
import type { FolderRecord } from './chat.model.js';

export type FolderChanges = Partial<
  Pick<FolderRecord, 'name' | 'parentId' | 'meta' | 'data' | 'isExpanded' | 'items'>
> & { updatedAt: number };

/** The only code that touches the folder table; every call names the owner. */
@Injectable()
export class FoldersRepository {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  private get folders() {
    return this.dataSource.getRepository(FolderEntity);
  }

  async insert(folder: FolderRecord): Promise<void> {
    await this.folders.insert(folder as QueryDeepPartialEntity<FolderEntity>);
  }

  async findOwned(ownerId: string, id: string): Promise<FolderRecord | null> {
    return toRecord(await this.folders.findOneBy({ id, userId: ownerId }));
  }

  /** Every folder of the owner (a user has few; the tree is built in memory). */
  async listOwned(ownerId: string): Promise<FolderRecord[]> {
    const rows = await this.folders.find({
      where: { userId: ownerId },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
    return rows.map((row) => toRecord(row)!);
  }

  async update(ownerId: string, id: string, changes: FolderChanges): Promise<FolderRecord | null> {
    await this.folders.update(
      { id, userId: ownerId },
      changes as QueryDeepPartialEntity<FolderEntity>,
    );
    return this.findOwned(ownerId, id);
  }

  async deleteOwned(ownerId: string, ids: string[]): Promise<void> {
    for (let index = 0; index < ids.length; index += 500) {
      await this.folders.delete({ userId: ownerId, id: In(ids.slice(index, index + 500)) });
    }
  }

  async deleteAllOwned(ownerId: string): Promise<void> {
    await this.folders.delete({ userId: ownerId });
  }
}

function toRecord(row: FolderEntity | null): FolderRecord | null {
  if (!row) return null;
  return {
    id: row.id,
    parentId: row.parentId,
    userId: row.userId,
    name: row.name,
    items: row.items,
    meta: row.meta,
    data: row.data,
    isExpanded: row.isExpanded === true,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}
