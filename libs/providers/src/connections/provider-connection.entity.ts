import { booleanTransformer, epochTransformer, jsonValueTransformer } from '@atrium/database';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * One row per provider kind ("ollama", "openai"): the URL list, the per-index settings without
 * their secrets, and the secrets (OpenAI keys, Ollama `key` settings) sealed with AES-GCM.
 */
@Entity('provider_connection')
export class ProviderConnectionEntity {
  @PrimaryColumn({ type: 'varchar', length: 16 })
  kind: string;

  @Column({ type: 'boolean', transformer: booleanTransformer })
  enabled: boolean;

  @Column({ type: 'text', transformer: jsonValueTransformer })
  urls: string[];

  @Column({ type: 'text', transformer: jsonValueTransformer })
  configs: Record<string, Record<string, unknown>>;

  @Column({ type: 'text' })
  secrets: string;

  @Column({ name: 'updated_at', type: 'bigint', transformer: epochTransformer })
  updatedAt: number;
}
