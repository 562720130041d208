/**
 * Resolves `GET /api/v1/users/shared-<chat_id>` to the owner of a shared chat. The chats
 * library implements it and registers it in its own module:
 *
 *   providers: [{ provide: SHARED_CHAT_OWNER_LOOKUP, useExisting: ChatsService }]
 *
 * Until one is registered, such ids are answered as unknown users.
 */
export interface SharedChatOwnerLookup {
  /** The id of the user who owns the shared chat, or null when there is no such chat. */
  findSharedChatOwnerId(chatId: string): Promise<string | null>;
}

export const SHARED_CHAT_OWNER_LOOKUP = Symbol('SHARED_CHAT_OWNER_LOOKUP');
