import { booleanTransformer, epochTransformer, jsonTransformer } from '@atrium/database';
import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('chat')
export class ChatEntity {
  @PrimaryColumn({ type: 'varchar', length: 255 })
  id: string;

  @Column({ name: 'user_id', type: 'varchar', length: 255 })
  userId: string;

  @Column({ type: 'text' })
  title: string;

  @Column({ type: 'text', transformer: jsonTransformer })
  chat: Record<string, unknown>;

  @Column({ name: 'share_id', type: 'varchar', length: 255, nullable: true })
  shareId: string | null;

  @Column({ type: 'boolean', default: false, transformer: booleanTransformer })
  archived: boolean;

  @Column({ type: 'boolean', default: false, transformer: booleanTransformer })
  pinned: boolean;

  @Column({ name: 'folder_id', type: 'varchar', length: 255, nullable: true })
  folderId: string | null;

  @Column({ type: 'text', nullable: true, transformer: jsonTransformer })
  meta: Record<string, unknown> | null;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochTransformer })
  createdAt: number;

  @Column({ name: 'updated_at', type: 'bigint', transformer: epochTransformer })
  updatedAt: number;
}

/** The lowercased message text of one chat, searched without opening the chat JSON. */
@Entity('chat_search')
export class ChatSearchEntity {
  @PrimaryColumn({ name: 'chat_id', type: 'varchar', length: 255 })
  chatId: string;

  @Column({ name: 'user_id', type: 'varchar', length: 255 })
  userId: string;

  @Column({ type: 'text' })
  body: string;

  /** MySQL only: the body's trigrams as hex words, under a FULLTEXT index (see search-grams.ts). */
  @Column({ type: 'text', nullable: true, select: false })
  grams: string | null;
}

/** A tag a user has created; the id is the normalised name (see tag-id.ts). */
@Entity('tag')
export class TagEntity {
  @PrimaryColumn({ type: 'varchar', length: 255 })
  id: string;

  @PrimaryColumn({ name: 'user_id', type: 'varchar', length: 255 })
  userId: string;

  @Column({ type: 'varchar', length: 255 })
  name: string;

  @Column({ type: 'text', nullable: true, transformer: jsonTransformer })
  meta: Record<string, unknown> | null;
}

/** Which tags a chat carries: the indexed mirror of chat.meta.tags. */
@Entity('chat_tag')
export class ChatTagEntity {
  @PrimaryColumn({ name: 'chat_id', type: 'varchar', length: 255 })
  chatId: string;

  @PrimaryColumn({ name: 'tag_id', type: 'varchar', length: 255 })
  tagId: string;

  @Column({ name: 'user_id', type: 'varchar', length: 255 })
  userId: string;
}

/** A snapshot of a chat taken when it was shared; its id is the share id. */
@Entity('shared_chat')
export class SharedChatEntity {
  @PrimaryColumn({ type: 'varchar', length: 255 })
  id: string;

  @Column({ name: 'chat_id', type: 'varchar', length: 255 })
  chatId: string;

  @Column({ name: 'user_id', type: 'varchar', length: 255 })
  userId: string;

  @Column({ type: 'text' })
  title: string;

  @Column({ type: 'text', transformer: jsonTransformer })
  chat: Record<string, unknown>;

  @Column({ type: 'text', nullable: true, transformer: jsonTransformer })
  meta: Record<string, unknown> | null;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochTransformer })
  createdAt: number;

  @Column({ name: 'updated_at', type: 'bigint', transformer: epochTransformer })
  updatedAt: number;
}
