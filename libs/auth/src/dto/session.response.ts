import type { PermissionTree } from '@atrium/config';
import type { Role } from '@atrium/common';

/** Signin/signup answer (Open WebUI's SessionUserResponse). */
export interface SessionResponse {
  token: string;
  token_type: 'Bearer';
  /** Epoch seconds; null when the token never expires. */
  expires_at: number | null;
  id: string;
  email: string;
  name: string;
  role: Role;
  profile_image_url: string;
  permissions: PermissionTree;
}

/** GET /api/v1/auths/ (SessionUserInfoResponse): the session plus profile and status fields. */
export interface SessionUserInfoResponse extends SessionResponse {
  bio: string | null;
  gender: string | null;
  date_of_birth: string | null;
  status_emoji: string | null;
  status_message: string | null;
  status_expires_at: number | null;
}

/** POST /api/v1/auths/add: the new user with a token (SigninResponse, no permissions). */
export interface AddedUserResponse {
  token: string;
  token_type: 'Bearer';
  id: string;
  email: string;
  name: string;
  role: Role;
  profile_image_url: string;
}

/** POST /api/v1/auths/update/profile (UserProfileImageResponse). */
export interface ProfileResponse {
  id: string;
  name: string;
  role: Role;
  email: string;
  profile_image_url: string;
}

export interface SignoutResponse {
  status: true;
  redirect_url?: string;
}

export interface AdminDetailsResponse {
  name: string | null;
  email: string | null;
}

export interface ApiKeyResponse {
  api_key: string;
}

/** GET/POST /api/v1/auths/admin/config. */
export interface AdminConfigResponse {
  SHOW_ADMIN_DETAILS: boolean;
  ADMIN_EMAIL: string | null;
  WEBUI_URL: string;
  ENABLE_SIGNUP: boolean;
  ENABLE_API_KEYS: boolean;
  ENABLE_API_KEYS_ENDPOINT_RESTRICTIONS: boolean;
  API_KEYS_ALLOWED_ENDPOINTS: string;
  DEFAULT_USER_ROLE: Role;
  DEFAULT_GROUP_ID: string;
  JWT_EXPIRES_IN: string;
  ENABLE_COMMUNITY_SHARING: boolean;
  ENABLE_MESSAGE_RATING: boolean;
  ENABLE_FOLDERS: boolean;
  FOLDER_MAX_FILE_COUNT: number | string;
  ENABLE_CHANNELS: boolean;
  ENABLE_MEMORIES: boolean;
  ENABLE_NOTES: boolean;
  ENABLE_USER_WEBHOOKS: boolean;
  ENABLE_USER_STATUS: boolean;
  PENDING_USER_OVERLAY_TITLE: string;
  PENDING_USER_OVERLAY_CONTENT: string;
  RESPONSE_WATERMARK: string;
}
