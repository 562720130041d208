import type { GroupSummary } from '../group.model.js';
import type { UserRecord, UserWithGroups } from '../user.model.js';

/** Open WebUI's UserModel: the whole account as admins see it (epoch-second timestamps). */
export interface UserResponse {
  id: string;
  email: string;
  username: string | null;
  role: string;
  name: string;
  profile_image_url: string;
  bio: string | null;
  gender: string | null;
  date_of_birth: string | null;
  timezone: string | null;
  info: Record<string, unknown> | null;
  settings: Record<string, unknown> | null;
  oauth_sub: string | null;
  last_active_at: number;
  updated_at: number;
  created_at: number;
}

/** GET /api/v1/users/: UserModel plus the ids of the user's groups. */
export interface UserWithGroupIdsResponse extends UserResponse {
  group_ids: string[];
}

/** Open WebUI's UserInfoResponse (/all, /search, /{id}/info, group members). */
export interface UserInfoResponse {
  id: string;
  name: string;
  email: string;
  role: string;
  bio: string | null;
  groups: GroupSummary[];
  is_active: boolean;
}

/** GET /api/v1/users/{id} for non-admins (Open WebUI 0.6's UserResponse). */
export interface UserCardResponse {
  name: string;
  profile_image_url: string;
  active: boolean;
}

/** GET /api/v1/users/{id} for admins: Open WebUI's current UserActiveResponse, plus `active`. */
export interface UserDetailsResponse extends UserResponse {
  groups: GroupSummary[];
  is_active: boolean;
  active: boolean;
}

export interface UserListResponse<T> {
  users: T[];
  total: number;
}

export function toUserResponse(user: UserRecord): UserResponse {
  return {
    id: user.id,
    email: user.email,
    username: user.username,
    role: user.role,
    name: user.name,
    profile_image_url: user.profileImageUrl,
    bio: user.bio,
    gender: user.gender,
    date_of_birth: user.dateOfBirth,
    timezone: user.timezone,
    info: user.info,
    settings: user.settings,
    oauth_sub: user.oauthSub,
    last_active_at: user.lastActiveAt,
    updated_at: user.updatedAt,
    created_at: user.createdAt,
  };
}

export function toUserWithGroupIdsResponse(entry: UserWithGroups): UserWithGroupIdsResponse {
  return { ...toUserResponse(entry.user), group_ids: entry.groups.map((group) => group.id) };
}

export function toUserInfoResponse(entry: UserWithGroups): UserInfoResponse {
  return {
    id: entry.user.id,
    name: entry.user.name,
    email: entry.user.email,
    role: entry.user.role,
    bio: entry.user.bio,
    groups: entry.groups,
    is_active: entry.active,
  };
}

export function toUserCardResponse(
  entry: UserWithGroups,
  full: boolean,
): UserCardResponse | UserDetailsResponse {
  if (!full) {
    return {
      name: entry.user.name,
      profile_image_url: entry.user.profileImageUrl,
      active: entry.active,
    };
  }
  return {
    ...toUserResponse(entry.user),
    groups: entry.groups,
    is_active: entry.active,
    active: entry.active,
  };
}

export function toUserListResponse<T>(
  page: { users: UserWithGroups[]; total: number },
  map: (entry: UserWithGroups) => T,
): UserListResponse<T> {
  return { users: page.users.map(map), total: page.total };
}
