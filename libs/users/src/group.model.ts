import type { PermissionTree } from '@atrium/config';

/** A group as the rest of Atrium sees it (never the ORM entity). */
export interface GroupRecord {
  id: string;
  /** The admin who created the group. */
  userId: string;
  name: string;
  description: string;
  permissions: PermissionTree | null;
  data: Record<string, unknown> | null;
  meta: Record<string, unknown> | null;
  createdAt: number;
  updatedAt: number;
}

/** A group with how many users belong to it. */
export interface GroupWithMemberCount extends GroupRecord {
  memberCount: number;
}

/** A group with its member ids (the export route). */
export interface GroupExport extends GroupWithMemberCount {
  userIds: string[];
}

/** The two fields other screens show for a user's groups. */
export interface GroupSummary {
  id: string;
  name: string;
}

export interface NewGroup {
  name: string;
  description?: string;
  permissions?: PermissionTree | null;
  data?: Record<string, unknown> | null;
}

export interface GroupChanges {
  name?: string;
  description?: string;
  permissions?: PermissionTree | null;
  data?: Record<string, unknown> | null;
  /** Open WebUI 0.6 update forms carried the full member list; when given it replaces the members. */
  userIds?: string[];
}

/** The caller of a group route (who they are decides which groups they see). */
export interface GroupViewer {
  id: string;
  role: string;
}

/**
 * Who may share resources to a group (Open WebUI's `data.config.share`):
 * true = anyone, false = no one, "members" = only its members.
 */
export type GroupSharePermission = boolean | 'members';

/** DEFAULT_GROUP_SHARE_PERMISSION's default in Open WebUI: new groups let only their members share to them. */
export const DEFAULT_GROUP_SHARE_PERMISSION: GroupSharePermission = 'members';
