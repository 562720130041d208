import { Injectable } from '@nestjs/common';
import { isValidDuration, USER_ROLES, type PersistedSettings, type UserRole } from '@atrium/config';
import { SettingsService } from '@atrium/settings';
import type { AdminConfigDto } from '../dto/admin-config.dto.js';
import type { AdminConfigResponse } from '../dto/session.response.js';

/**
 * GET/POST /api/v1/auths/admin/config: Open WebUI's upper-case view of the persisted settings.
 * Keys not sent keep their value; an invalid DEFAULT_USER_ROLE or JWT_EXPIRES_IN is silently
 * ignored, as upstream does; the write is one settings update, seen by every instance.
 *
 * Newer upstream builds also carry ENABLE_AUTOMATIONS, AUTOMATION_MAX_COUNT,
 * AUTOMATION_MIN_INTERVAL and ENABLE_CALENDAR here; they have no persisted setting yet and are
 * accepted and dropped.
 */
@Injectable()
export class AuthAdminConfigService {
  constructor(private readonly settings: SettingsService) {}

  get(): AdminConfigResponse {
    const s = <K extends keyof PersistedSettings>(key: K) => this.settings.get(key);
    return {
      SHOW_ADMIN_DETAILS: s('auth.admin.show'),
      ADMIN_EMAIL: s('auth.admin.email') || null,
      WEBUI_URL: s('webui.url'),
      ENABLE_SIGNUP: s('ui.enable_signup'),
      ENABLE_API_KEYS: s('auth.api_key.enable'),
      ENABLE_API_KEYS_ENDPOINT_RESTRICTIONS: s('auth.api_key.endpoint_restrictions'),
      API_KEYS_ALLOWED_ENDPOINTS: s('auth.api_key.allowed_endpoints'),
      DEFAULT_USER_ROLE: s('ui.default_user_role'),
      DEFAULT_GROUP_ID: s('ui.default_group_id'),
      JWT_EXPIRES_IN: s('auth.jwt_expiry'),
      ENABLE_COMMUNITY_SHARING: s('ui.enable_community_sharing'),
      ENABLE_MESSAGE_RATING: s('ui.enable_message_rating'),
      ENABLE_FOLDERS: s('folders.enable'),
      FOLDER_MAX_FILE_COUNT: s('folders.max_file_count') ?? '',
      ENABLE_CHANNELS: s('channels.enable'),
      ENABLE_MEMORIES: s('memories.enable'),
      ENABLE_NOTES: s('notes.enable'),
      ENABLE_USER_WEBHOOKS: s('user.webhooks.enable'),
      ENABLE_USER_STATUS: s('user.status.enable'),
      PENDING_USER_OVERLAY_TITLE: s('ui.pending_user_overlay_title'),
      PENDING_USER_OVERLAY_CONTENT: s('ui.pending_user_overlay_content'),
      RESPONSE_WATERMARK: s('ui.response_watermark'),
    };
  }

  async update(form: AdminConfigDto): Promise<AdminConfigResponse> {
    const changes: Partial<PersistedSettings> = {};
    const set = <K extends keyof PersistedSettings>(
      key: K,
      value: PersistedSettings[K] | undefined,
    ) => {
      if (value !== undefined) changes[key] = value;
    };
    set('auth.admin.show', form.SHOW_ADMIN_DETAILS);
    set(
      'auth.admin.email',
      form.ADMIN_EMAIL === undefined ? undefined : (form.ADMIN_EMAIL ?? '').trim().toLowerCase(),
    );
    set('webui.url', form.WEBUI_URL);
    set('ui.enable_signup', form.ENABLE_SIGNUP);
    set('auth.api_key.enable', form.ENABLE_API_KEYS ?? form.ENABLE_API_KEY);
    set(
      'auth.api_key.endpoint_restrictions',
      form.ENABLE_API_KEYS_ENDPOINT_RESTRICTIONS ?? form.ENABLE_API_KEY_ENDPOINT_RESTRICTIONS,
    );
    set(
      'auth.api_key.allowed_endpoints',
      form.API_KEYS_ALLOWED_ENDPOINTS ?? form.API_KEY_ALLOWED_ENDPOINTS,
    );
    if (form.DEFAULT_USER_ROLE !== undefined && isRole(form.DEFAULT_USER_ROLE)) {
      set('ui.default_user_role', form.DEFAULT_USER_ROLE);
    }
    set(
      'ui.default_group_id',
      form.DEFAULT_GROUP_ID === undefined ? undefined : (form.DEFAULT_GROUP_ID ?? ''),
    );
    if (form.JWT_EXPIRES_IN !== undefined && isValidDuration(form.JWT_EXPIRES_IN)) {
      set('auth.jwt_expiry', form.JWT_EXPIRES_IN.trim());
    }
    set('ui.enable_community_sharing', form.ENABLE_COMMUNITY_SHARING);
    set('ui.enable_message_rating', form.ENABLE_MESSAGE_RATING);
    set('folders.enable', form.ENABLE_FOLDERS);
    set('folders.max_file_count', parseFileCount(form.FOLDER_MAX_FILE_COUNT));
    set('channels.enable', form.ENABLE_CHANNELS);
    set('memories.enable', form.ENABLE_MEMORIES);
    set('notes.enable', form.ENABLE_NOTES);
    set('user.webhooks.enable', form.ENABLE_USER_WEBHOOKS);
    set('user.status.enable', form.ENABLE_USER_STATUS);
    set('ui.pending_user_overlay_title', nullToEmpty(form.PENDING_USER_OVERLAY_TITLE));
    set('ui.pending_user_overlay_content', nullToEmpty(form.PENDING_USER_OVERLAY_CONTENT));
    set('ui.response_watermark', nullToEmpty(form.RESPONSE_WATERMARK));
    if (Object.keys(changes).length > 0) await this.settings.update(changes);
    return this.get();
  }
}

function isRole(value: string): value is UserRole {
  return (USER_ROLES as readonly string[]).includes(value);
}

function nullToEmpty(value: string | null | undefined): string | undefined {
  return value === undefined ? undefined : (value ?? '');
}

/**
 * FOLDER_MAX_FILE_COUNT: a positive number sets the limit; 0, '' or null clear it (upstream
 * stores "" for any falsy value); a string that is not a number is ignored.
 */
function parseFileCount(value: number | string | null | undefined): number | null | undefined {
  if (value === undefined) return undefined;
  if (value === null || value === '' || value === 0) return null;
  const parsed = typeof value === 'number' ? value : Number(value.trim());
  if (!Number.isInteger(parsed) || parsed < 0) return undefined;
  return parsed === 0 ? null : parsed;
}
