import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';

/** Cookie that carries the session JWT for browsers (set on signin/signup/session fetch). */
export const SESSION_COOKIE = 'token';

export type CredentialSource = 'authorization' | 'cookie' | 'api-key-header';

export interface PresentedCredential {
  value: string;
  source: CredentialSource;
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/** `Authorization: Bearer <x>`; any other scheme is ignored, as FastAPI's HTTPBearer does. */
export function bearerToken(request: Request): string | undefined {
  const header = request.headers.authorization;
  return typeof header === 'string' ? BEARER.exec(header)?.[1] : undefined;
}

export function cookieToken(request: Request): string | undefined {
  const cookies = request.cookies as Record<string, unknown> | undefined;
  const value = cookies?.[SESSION_COOKIE];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/**
 * The caller's credential, looked for in Open WebUI's order: the Bearer header, then the
 * `token` cookie, then the API-key header (CUSTOM_API_KEY_HEADER, default x-api-key).
 */
export function extractCredential(
  request: Request,
  apiKeyHeader: string,
): PresentedCredential | undefined {
  const bearer = bearerToken(request);
  if (bearer) return { value: bearer, source: 'authorization' };
  const cookie = cookieToken(request);
  if (cookie) return { value: cookie, source: 'cookie' };
  const header = request.headers[apiKeyHeader];
  const apiKey = (Array.isArray(header) ? header[0] : header)?.trim();
  if (apiKey) return { value: apiKey.replace(BEARER, '$1'), source: 'api-key-header' };
  return undefined;
}

/** The request path without the query string (what endpoint restrictions match against). */
export function requestPath(request: Request): string {
  const url = request.originalUrl ?? request.url;
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

/**
 * The session token the caller presented (Bearer header, else cookie), whether or not it is
 * still valid: signout revokes it even when the route did not authenticate the caller.
 */
export const PresentedSessionToken = createParamDecorator(
  (_data: unknown, context: ExecutionContext): string | undefined => {
    const request = context.switchToHttp().getRequest<Request>();
    return bearerToken(request) ?? cookieToken(request);
  },
);
