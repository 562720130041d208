import { ConnectionNotFoundError } from '../providers.errors.js';
import {
  resolveConnection,
  type Connection,
  type ConnectionSet,
  type ProviderKind,
} from './connection.types.js';

/** The connection at a `/{url_idx}` path parameter; 404 when it does not exist. */
export function connectionAt(kind: ProviderKind, set: ConnectionSet, raw: string): Connection {
  const index = /^\d+$/.test(raw) ? Number(raw) : -1;
  if (!set.enabled || index < 0 || index >= set.urls.length)
    throw new ConnectionNotFoundError(kind);
  return resolveConnection(kind, set, index);
}

/** A `/{url_idx}` path parameter as a number (undefined when absent); 404 when malformed. */
export function indexParam(kind: ProviderKind, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw)) throw new ConnectionNotFoundError(kind);
  return Number(raw);
}
