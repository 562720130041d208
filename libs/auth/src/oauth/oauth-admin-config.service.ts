import { Injectable } from '@nestjs/common';
import type { OAuthPersistedSettings } from '@atrium/config';
import { SettingsService } from '@atrium/settings';
import type {
  OAuthAdminConfigDto,
  OAuthAdminConfigResponse,
} from './dto/oauth-admin-config.dto.js';

type Key = keyof OAuthAdminConfigResponse;

/** Upper-case admin names to the persisted setting behind each. */
const SETTING_OF: { [K in Key]: keyof OAuthPersistedSettings } = {
  ENABLE_OAUTH_SIGNUP: 'oauth.enable_signup',
  OAUTH_MERGE_ACCOUNTS_BY_EMAIL: 'oauth.merge_accounts_by_email',
  OAUTH_CLIENT_ID: 'oauth.oidc.client_id',
  OAUTH_CLIENT_SECRET: 'oauth.oidc.client_secret',
  OPENID_PROVIDER_URL: 'oauth.oidc.provider_url',
  OPENID_REDIRECT_URI: 'oauth.oidc.redirect_uri',
  OPENID_END_SESSION_ENDPOINT: 'oauth.oidc.end_session_endpoint',
  OAUTH_SCOPES: 'oauth.oidc.scopes',
  OAUTH_PROVIDER_NAME: 'oauth.oidc.provider_name',
  OAUTH_SUB_CLAIM: 'oauth.oidc.sub_claim',
  OAUTH_USERNAME_CLAIM: 'oauth.oidc.username_claim',
  OAUTH_EMAIL_CLAIM: 'oauth.oidc.email_claim',
  OAUTH_PICTURE_CLAIM: 'oauth.oidc.avatar_claim',
  OAUTH_GROUP_CLAIM: 'oauth.oidc.group_claim',
  ENABLE_OAUTH_ROLE_MANAGEMENT: 'oauth.enable_role_mapping',
  ENABLE_OAUTH_GROUP_MANAGEMENT: 'oauth.enable_group_mapping',
  ENABLE_OAUTH_GROUP_CREATION: 'oauth.enable_group_creation',
  OAUTH_ROLES_CLAIM: 'oauth.roles_claim',
  OAUTH_ALLOWED_ROLES: 'oauth.allowed_roles',
  OAUTH_ADMIN_ROLES: 'oauth.admin_roles',
  OAUTH_ALLOWED_DOMAINS: 'oauth.allowed_domains',
};

const LIST_KEYS = new Set<Key>([
  'OAUTH_ALLOWED_ROLES',
  'OAUTH_ADMIN_ROLES',
  'OAUTH_ALLOWED_DOMAINS',
]);

/** GET|POST /api/v1/auths/admin/config/oauth over the persisted OAuth settings. */
@Injectable()
export class OAuthAdminConfigService {
  constructor(private readonly settings: SettingsService) {}

  get(): OAuthAdminConfigResponse {
    const entries = (Object.keys(SETTING_OF) as Key[]).map((key) => [
      key,
      structuredClone(this.settings.get(SETTING_OF[key])),
    ]);
    return Object.fromEntries(entries) as OAuthAdminConfigResponse;
  }

  async update(form: Readonly<OAuthAdminConfigDto>): Promise<OAuthAdminConfigResponse> {
    const changes: Record<string, unknown> = {};
    for (const key of Object.keys(SETTING_OF) as Key[]) {
      const value = (form as Record<string, unknown>)[key];
      if (value === undefined || value === null) continue;
      changes[SETTING_OF[key]] = LIST_KEYS.has(key) ? toList(value) : value;
    }
    if (Object.keys(changes).length > 0) await this.settings.update(changes);
    return this.get();
  }
}

function toList(value: unknown): string[] {
  const items = Array.isArray(value) ? value : String(value).split(',');
  return items.map((item) => String(item).trim()).filter((item) => item.length > 0);
}
