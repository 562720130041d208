import { Injectable } from '@nestjs/common';
import type { AuthenticatedUser } from '@atrium/common';
import { AccessControlService, type StoredAccessGrant } from '@atrium/models';

/** The grant resource type of chats shared by link ([N] `shared_chat`; the resource id is the chat id). */
export const SHARED_CHAT_RESOURCE = 'shared_chat';
const PUBLIC_CHATS_PERMISSION = 'sharing.public_chats';

/**
 * Who besides the owner may read a shared chat ([N]): users and groups named by a `shared_chat`
 * grant, everyone with a public grant. Grants are kept by the access-control service.
 */
@Injectable()
export class SharedChatAccessService {
  constructor(private readonly access: AccessControlService) {}

  canRead(user: AuthenticatedUser, chatId: string): Promise<boolean> {
    return this.access.hasAccess(user, SHARED_CHAT_RESOURCE, chatId, 'read');
  }

  grantsOf(chatId: string): Promise<StoredAccessGrant[]> {
    return this.access.storedGrantsOf(SHARED_CHAT_RESOURCE, chatId);
  }

  /** Replaces a chat's grants with those the caller may create (public needs sharing.public_chats). */
  async replace(user: AuthenticatedUser, chatId: string, grants: unknown[]): Promise<void> {
    const allowed = await this.access.filterAllowedGrants(user, grants, PUBLIC_CHATS_PERMISSION);
    await this.access.setGrants(SHARED_CHAT_RESOURCE, chatId, allowed);
  }

  clear(chatIds: readonly string[]): Promise<void> {
    return this.access.removeGrantsOf(SHARED_CHAT_RESOURCE, chatIds);
  }
}
