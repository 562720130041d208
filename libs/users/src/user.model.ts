import type { Role } from '@atrium/common';

/** A user as the rest of Atrium sees it (never the ORM entity). */
export interface UserRecord {
  id: string;
  email: string;
  username: string | null;
  name: string;
  role: Role;
  profileImageUrl: string;
  bio: string | null;
  gender: string | null;
  dateOfBirth: string | null;
  timezone: string | null;
  info: Record<string, unknown> | null;
  settings: Record<string, unknown> | null;
  oauthSub: string | null;
  lastActiveAt: number;
  updatedAt: number;
  createdAt: number;
}

export interface NewUser {
  id?: string;
  email: string;
  name: string;
  role: Role;
  profileImageUrl?: string;
  oauthSub?: string | null;
}

export interface UserProfileChanges {
  name?: string;
  email?: string;
  role?: Role;
  profileImageUrl?: string;
  bio?: string | null;
  gender?: string | null;
  dateOfBirth?: string | null;
  timezone?: string | null;
  username?: string | null;
  oauthSub?: string | null;
}

export const DEFAULT_PROFILE_IMAGE_URL = '/user.png';

/** A user with the id and name of each group they belong to and whether they were seen lately. */
export interface UserWithGroups {
  user: UserRecord;
  groups: { id: string; name: string }[];
  active: boolean;
}

/** What an admin may change on another account (POST /api/v1/users/{id}/update). */
export interface UserAdminChanges {
  role?: Role;
  name?: string;
  email?: string;
  profileImageUrl?: string;
  /** A new password; empty means "leave it". */
  password?: string;
}

/** The user calling a route. */
export interface UserCaller {
  id: string;
  role: Role;
}

/** What GET /api/v1/users/{id}/profile/image answers with. */
export type ProfileImage =
  | { kind: 'redirect'; location: string }
  | { kind: 'inline'; contentType: string; body: Buffer }
  | { kind: 'file'; path: string };
