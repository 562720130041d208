/** Which kind of principal a grant names. */
export type PrincipalType = 'user' | 'group';
export type GrantPermission = 'read' | 'write';

/** One access grant as the API carries it (Open WebUI's `access_grants` entries). */
export interface AccessGrant {
  principalType: PrincipalType;
  /** A user id, a group id, or '*' (every user; only with principalType 'user'). */
  principalId: string;
  permission: GrantPermission;
}

/** A stored grant on one resource. */
export interface StoredAccessGrant extends AccessGrant {
  id: string;
  resourceType: string;
  resourceId: string;
  createdAt: number;
}

/** Open WebUI's legacy access_control JSON: null = public read, {} = private. */
export type LegacyAccessControl = {
  read?: { group_ids?: string[]; user_ids?: string[] };
  write?: { group_ids?: string[]; user_ids?: string[] };
} | null;

export const PUBLIC_PRINCIPAL = '*';
