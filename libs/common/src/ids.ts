import { randomUUID } from 'node:crypto';

/** A uuid4 string, the id format of users, groups, chats and files in Open WebUI. */
export function newId(): string {
  return randomUUID();
}
