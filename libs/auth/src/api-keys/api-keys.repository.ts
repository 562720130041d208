import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type Repository } from 'typeorm';
import { ApiKeyEntity } from '../api-key.entity.js';

export interface StoredApiKey {
  id: string;
  userId: string;
  keyHash: string;
  keyEncrypted: string;
  lastUsedAt: number | null;
  createdAt: number;
}

/** The only code that touches the `api_key` table (one key per user). */
@Injectable()
export class ApiKeysRepository {
  private readonly keys: Repository<ApiKeyEntity>;

  constructor(@Inject(DataSource) dataSource: DataSource) {
    this.keys = dataSource.getRepository(ApiKeyEntity);
  }

  async findByHash(keyHash: string): Promise<StoredApiKey | null> {
    return this.keys.findOneBy({ keyHash });
  }

  async findByUserId(userId: string): Promise<StoredApiKey | null> {
    return this.keys.findOneBy({ userId });
  }

  /**
   * Makes `key` the user's only key. Single statements rather than a transaction: the row is
   * updated in place when there is one, and a concurrent first insert for the same user (the
   * unique index on user_id refuses the second) falls back to the update.
   */
  async replaceForUser(key: StoredApiKey): Promise<void> {
    const changes = {
      keyHash: key.keyHash,
      keyEncrypted: key.keyEncrypted,
      lastUsedAt: null,
      createdAt: key.createdAt,
    };
    const updated = await this.keys.update({ userId: key.userId }, changes);
    if ((updated.affected ?? 0) > 0) return;
    try {
      await this.keys.insert(key);
    } catch (error) {
      const raced = await this.keys.update({ userId: key.userId }, changes);
      if ((raced.affected ?? 0) === 0) throw error;
    }
  }

  async deleteForUser(userId: string): Promise<boolean> {
    const result = await this.keys.delete({ userId });
    return (result.affected ?? 0) > 0;
  }

  async touch(id: string, now: number): Promise<void> {
    await this.keys.update({ id }, { lastUsedAt: now });
  }
}
