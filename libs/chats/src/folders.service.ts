import { Injectable } from '@nestjs/common';
import { Clock, ForbiddenError, newId, type AuthenticatedUser } from '@atrium/common';
import { ErrorMessages } from '@atrium/common';
import { SettingsService } from '@atrium/settings';
import { PermissionsService } from '@atrium/users';
import type { ChatSummary, FolderRecord } from './chat.model.js';
import { ChatsRepository } from './chats.repository.js';
import {
  AccessProhibitedError,
  FolderExistsError,
  InvalidFolderParentError,
  ResourceNotFoundError,
} from './chats.errors.js';
import { descendantIds } from './chats.service.js';
import { FoldersRepository } from './folders.repository.js';

export interface FolderForm {
  name: string;
  data?: Record<string, unknown> | null;
  meta?: Record<string, unknown> | null;
  parentId?: string | null;
}

export interface FolderWithChats extends FolderRecord {
  chats: ChatSummary[];
}

/** Chat folders of one owner: a tree (parent_id) with names unique per level. */
@Injectable()
export class FoldersService {
  constructor(
    private readonly folders: FoldersRepository,
    private readonly chats: ChatsRepository,
    private readonly settings: SettingsService,
    private readonly permissions: PermissionsService,
    private readonly clock: Clock,
  ) {}

  /** ENABLE_FOLDERS (setting folders.enable) off: every folder route is refused. */
  requireEnabled(): void {
    if (this.settings.get('folders.enable') === false) throw new AccessProhibitedError(403);
  }

  async list(ownerId: string): Promise<FolderWithChats[]> {
    this.requireEnabled();
    const folders = await this.folders.listOwned(ownerId);
    const result: FolderWithChats[] = [];
    for (const folder of folders) {
      result.push({
        ...folder,
        chats: await this.chats.listSummariesInFolder(ownerId, folder.id),
      });
    }
    return result;
  }

  async create(ownerId: string, form: FolderForm): Promise<FolderRecord> {
    this.requireEnabled();
    const parentId = form.parentId ?? null;
    if (parentId !== null && !(await this.folders.findOwned(ownerId, parentId)))
      throw new ResourceNotFoundError();
    await this.requireFreeName(ownerId, parentId, form.name);
    const now = this.clock.nowSeconds();
    const folder: FolderRecord = {
      id: newId(),
      parentId,
      userId: ownerId,
      name: form.name,
      items: null,
      meta: form.meta ?? null,
      data: form.data ?? null,
      isExpanded: false,
      createdAt: now,
      updatedAt: now,
    };
    await this.folders.insert(folder);
    return folder;
  }

  async get(ownerId: string, id: string): Promise<FolderRecord> {
    this.requireEnabled();
    return this.requireOwned(ownerId, id);
  }

  async update(ownerId: string, id: string, form: FolderForm): Promise<FolderRecord> {
    this.requireEnabled();
    const folder = await this.requireOwned(ownerId, id);
    await this.requireFreeName(ownerId, folder.parentId, form.name, id);
    return this.save(ownerId, id, {
      name: form.name,
      ...(form.data !== undefined ? { data: form.data } : {}),
      ...(form.meta !== undefined ? { meta: form.meta } : {}),
    });
  }

  async move(ownerId: string, id: string, parentId: string | null): Promise<FolderRecord> {
    this.requireEnabled();
    const folder = await this.requireOwned(ownerId, id);
    if (parentId !== null) {
      if (!(await this.folders.findOwned(ownerId, parentId))) throw new ResourceNotFoundError();
      // A folder cannot move into itself or below itself.
      const all = await this.folders.listOwned(ownerId);
      if (parentId === id || descendantIds(all, id).includes(parentId))
        throw new InvalidFolderParentError();
    }
    await this.requireFreeName(ownerId, parentId, folder.name, id);
    return this.save(ownerId, id, { parentId });
  }

  async setExpanded(ownerId: string, id: string, isExpanded: boolean): Promise<FolderRecord> {
    this.requireEnabled();
    await this.requireOwned(ownerId, id);
    return this.save(ownerId, id, { isExpanded });
  }

  /** Deletes the folder, every folder below it and the chats they hold. */
  async delete(caller: AuthenticatedUser, id: string): Promise<boolean> {
    this.requireEnabled();
    if (
      caller.role !== 'admin' &&
      !(await this.permissions.hasPermission(caller.id, 'chat.delete'))
    )
      throw new ForbiddenError(ErrorMessages.ACCESS_PROHIBITED);
    await this.requireOwned(caller.id, id);
    const ids = [id, ...descendantIds(await this.folders.listOwned(caller.id), id)];
    await this.chats.deleteInFolders(caller.id, ids);
    await this.folders.deleteOwned(caller.id, ids);
    return true;
  }

  private async requireOwned(ownerId: string, id: string): Promise<FolderRecord> {
    const folder = await this.folders.findOwned(ownerId, id);
    if (!folder) throw new ResourceNotFoundError();
    return folder;
  }

  /** Names are unique among siblings, compared case-insensitively. */
  private async requireFreeName(
    ownerId: string,
    parentId: string | null,
    name: string,
    exceptId?: string,
  ): Promise<void> {
    const lowered = name.trim().toLowerCase();
    const clash = (await this.folders.listOwned(ownerId)).some(
      (folder) =>
        folder.parentId === parentId &&
        folder.id !== exceptId &&
        folder.name.trim().toLowerCase() === lowered,
    );
    if (clash) throw new FolderExistsError();
  }

  private async save(
    ownerId: string,
    id: string,
    changes: Omit<Parameters<FoldersRepository['update']>[2], 'updatedAt'>,
  ): Promise<FolderRecord> {
    const saved = await this.folders.update(ownerId, id, {
      ...changes,
      updatedAt: this.clock.nowSeconds(),
    });
    if (!saved) throw new ResourceNotFoundError();
    return saved;
  }
}
