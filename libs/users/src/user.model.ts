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
