import type { AuthenticatedUser } from '@atrium/common';
import type { Connection } from '../connections/connection.types.js';

/** The headers an upstream call carries: auth per `auth_type`, extra `headers`, user identity. */
export function connectionHeaders(
  connection: Connection,
  user?: AuthenticatedUser,
  forwardUser = false,
  chatId?: string,
): Record<string, string> {
  const headers: Record<string, string> = {};
  const authType = connection.settings.auth_type ?? 'bearer';
  if (authType === 'bearer' && connection.key !== '') {
    headers.authorization = `Bearer ${connection.key}`;
  } else if (authType === 'session' && user && user.credential !== '') {
    headers.authorization = `Bearer ${user.credential}`;
  }
  const extra = connection.settings.headers;
  if (extra && typeof extra === 'object' && !Array.isArray(extra)) {
    for (const [name, value] of Object.entries(extra)) {
      if (typeof value === 'string') headers[name.toLowerCase()] = value;
    }
  }
  if (forwardUser && user) {
    headers['x-openwebui-user-name'] = encodeURIComponent(user.name);
    headers['x-openwebui-user-id'] = user.id;
    headers['x-openwebui-user-email'] = user.email;
    headers['x-openwebui-user-role'] = user.role;
    if (chatId) headers['x-openwebui-chat-id'] = chatId;
  }
  return headers;
}
