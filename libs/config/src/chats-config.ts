import type { EnvReader } from './env-reader.js';

/** Environment settings of the chats library. */
export interface ChatsConfig {
  /** ENABLE_ADMIN_CHAT_ACCESS: admins may read other users' chats (default true). */
  enableAdminChatAccess: boolean;
  /** ENABLE_ADMIN_EXPORT: admins may export every chat in the database (default true). */
  enableAdminExport: boolean;
}

export function readChatsConfig(reader: EnvReader): ChatsConfig {
  return {
    enableAdminChatAccess: reader.bool('ENABLE_ADMIN_CHAT_ACCESS', true),
    enableAdminExport: reader.bool('ENABLE_ADMIN_EXPORT', true),
  };
}
