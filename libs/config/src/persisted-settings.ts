import { isValidDuration } from './duration.js';
import type { EnvReader } from './env-reader.js';
import { readUserPermissions, type PermissionTree } from './user-permissions.js';
import { readLdapSeeds, type LdapPersistedSettings } from './ldap-config.js';
import { readOAuthSeeds, type OAuthPersistedSettings } from './oauth-config.js';
import { readTasksSeeds, type TasksPersistedSettings } from './tasks-config.js';

export const USER_ROLES = ['pending', 'user', 'admin'] as const;
export type UserRole = (typeof USER_ROLES)[number];

/**
 * Settings that admins change at run time. The environment only seeds them on first boot;
 * afterwards the database copy is the source of truth (Open WebUI's PersistentConfig).
 * Keys follow Open WebUI's dotted config paths.
 */
export interface PersistedSettings
  extends LdapPersistedSettings, OAuthPersistedSettings, TasksPersistedSettings {
  'ui.enable_signup': boolean;
  'ui.enable_login_form': boolean;
  'ui.default_user_role': UserRole;
  'ui.default_group_id': string;
  'auth.jwt_expiry': string;
  'auth.api_key.enable': boolean;
  'auth.api_key.endpoint_restrictions': boolean;
  'auth.api_key.allowed_endpoints': string;
  'auth.admin.show': boolean;
  'auth.admin.email': string;
  'webui.url': string;
  'ui.enable_community_sharing': boolean;
  'ui.enable_message_rating': boolean;
  'folders.enable': boolean;
  'folders.max_file_count': number | null;
  'channels.enable': boolean;
  'notes.enable': boolean;
  'memories.enable': boolean;
  'user.webhooks.enable': boolean;
  'user.status.enable': boolean;
  'ui.pending_user_overlay_title': string;
  'ui.pending_user_overlay_content': string;
  'ui.response_watermark': string;
  'user.permissions': PermissionTree;
  /**
   * Set when the first account is created (never from the environment): the primary admin, who
   * can never be demoted or deleted. Empty on databases Open WebUI created: the earliest user.
   */
  'auth.primary_admin_id': string;
}

export type PersistedSettingKey = keyof PersistedSettings;

/** Reads the env seeds of every persisted setting (all problems collected by the reader). */
export function readPersistedSeeds(reader: EnvReader, webuiAuth: boolean): PersistedSettings {
  const jwtExpiry = reader.string('JWT_EXPIRES_IN', '4w');
  reader.check(
    'JWT_EXPIRES_IN',
    isValidDuration(jwtExpiry),
    `expected -1, 0 or a number followed by ms, s, m, h, d or w, got "${jwtExpiry}"`,
  );
  return {
    // Signup is forced off in single-user (no-auth) mode, as in Open WebUI.
    'ui.enable_signup': webuiAuth ? reader.bool('ENABLE_SIGNUP', true) : false,
    'ui.enable_login_form': reader.bool('ENABLE_LOGIN_FORM', true),
    'ui.default_user_role': reader.oneOf('DEFAULT_USER_ROLE', USER_ROLES, 'pending'),
    'ui.default_group_id': reader.string('DEFAULT_GROUP_ID', ''),
    'auth.jwt_expiry': jwtExpiry,
    'auth.api_key.enable': parseBoolAlias(reader, ['ENABLE_API_KEYS', 'ENABLE_API_KEY'], true),
    'auth.api_key.endpoint_restrictions': parseBoolAlias(
      reader,
      ['ENABLE_API_KEYS_ENDPOINT_RESTRICTIONS', 'ENABLE_API_KEY_ENDPOINT_RESTRICTIONS'],
      false,
    ),
    'auth.api_key.allowed_endpoints':
      reader.firstOf('API_KEYS_ALLOWED_ENDPOINTS', 'API_KEY_ALLOWED_ENDPOINTS') ?? '',
    'auth.admin.show': reader.bool('SHOW_ADMIN_DETAILS', true),
    'auth.admin.email': reader.string('ADMIN_EMAIL', ''),
    'webui.url': reader.string('WEBUI_URL', ''),
    'ui.enable_community_sharing': reader.bool('ENABLE_COMMUNITY_SHARING', true),
    'ui.enable_message_rating': reader.bool('ENABLE_MESSAGE_RATING', true),
    'folders.enable': reader.bool('ENABLE_FOLDERS', true),
    'folders.max_file_count': reader.optionalInt('FOLDER_MAX_FILE_COUNT', { min: 0 }) ?? null,
    'channels.enable': reader.bool('ENABLE_CHANNELS', false),
    'notes.enable': reader.bool('ENABLE_NOTES', true),
    'memories.enable': reader.bool('ENABLE_MEMORIES', true),
    'user.webhooks.enable': reader.bool('ENABLE_USER_WEBHOOKS', false),
    'user.status.enable': reader.bool('ENABLE_USER_STATUS', true),
    'ui.pending_user_overlay_title': reader.string('PENDING_USER_OVERLAY_TITLE', ''),
    'ui.pending_user_overlay_content': reader.string('PENDING_USER_OVERLAY_CONTENT', ''),
    'ui.response_watermark': reader.string('RESPONSE_WATERMARK', ''),
    'user.permissions': readUserPermissions(reader),
    'auth.primary_admin_id': '',
    ...readLdapSeeds(reader),
    ...readOAuthSeeds(reader),
    ...readTasksSeeds(reader),
  };
}

function parseBoolAlias(reader: EnvReader, names: string[], fallback: boolean): boolean {
  const name = names.find((candidate) => reader.raw(candidate) !== undefined);
  return name === undefined ? fallback : reader.bool(name, fallback);
}
