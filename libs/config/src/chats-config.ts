import type { EnvReader } from './env-reader.js';

/** Environment settings of the chats library (owned by its issue). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ChatsConfig {}

export function readChatsConfig(_reader: EnvReader): ChatsConfig {
  return {};
}
