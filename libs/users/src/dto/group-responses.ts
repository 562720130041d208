import type { PermissionTree } from '@atrium/config';
import type { GroupExport, GroupRecord, GroupWithMemberCount } from '../group.model.js';

/** Open WebUI's GroupResponse (`member_count` is left out where Open WebUI returns GroupModel). */
export interface GroupResponse {
  id: string;
  user_id: string;
  name: string;
  description: string;
  permissions: PermissionTree | null;
  data: Record<string, unknown> | null;
  meta: Record<string, unknown> | null;
  member_count?: number;
  created_at: number;
  updated_at: number;
}

export interface GroupExportResponse extends GroupResponse {
  user_ids: string[];
}

/** GET /api/v1/groups/id/{id}/info: what any verified user may know about a group. */
export interface GroupInfoResponse {
  id: string;
  user_id: string;
  name: string;
  description: string;
  member_count: number;
  created_at: number;
  updated_at: number;
}

export function toGroupResponse(group: GroupRecord | GroupWithMemberCount): GroupResponse {
  return {
    id: group.id,
    user_id: group.userId,
    name: group.name,
    description: group.description,
    permissions: group.permissions,
    data: group.data,
    meta: group.meta,
    ...('memberCount' in group ? { member_count: group.memberCount } : {}),
    created_at: group.createdAt,
    updated_at: group.updatedAt,
  };
}

export function toGroupExportResponse(group: GroupExport): GroupExportResponse {
  return { ...toGroupResponse(group), user_ids: group.userIds };
}

export function toGroupInfoResponse(group: GroupWithMemberCount): GroupInfoResponse {
  return {
    id: group.id,
    user_id: group.userId,
    name: group.name,
    description: group.description,
    member_count: group.memberCount,
    created_at: group.createdAt,
    updated_at: group.updatedAt,
  };
}
