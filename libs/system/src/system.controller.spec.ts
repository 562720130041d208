import {
  Injectable,
  type CanActivate,
  type ExecutionContext,
  type INestApplication,
} from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Clock, HttpExceptionFilter, type AuthenticatedUser, type Role } from '@atrium/common';
import { APP_CONFIG, loadConfig, type PersistedSettingKey } from '@atrium/config';
import { SettingsService } from '@atrium/settings';
import { UsersService } from '@atrium/users';
import { BUILD_INFO } from './build-info.js';
import { ClientConfigService } from './client-config.service.js';
import { LatestReleaseClient } from './latest-release.client.js';
import { SystemController } from './system.controller.js';
import { VersionService } from './version.service.js';
import { WebManifestService } from './web-manifest.service.js';

/**
 * HTTP test of GET /api/config by role, with this module alone. A stand-in replaces the global
 * auth guard (libs/auth) and does only what @Public({identifyCaller: true}) promises: it sets
 * request.user from an `x-test-role` header. test/system-config.e2e-spec.ts checks the same
 * blocks end to end with real sessions.
 */
@Injectable()
class StandInIdentifyingGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const http = context
      .switchToHttp()
      .getRequest<{ headers: Record<string, string>; user?: AuthenticatedUser }>();
    const role = http.headers['x-test-role'] as Role | undefined;
    if (role) {
      http.user = {
        id: `${role}-id`,
        name: role,
        email: `${role}@example.com`,
        role,
        profileImageUrl: '/user.png',
        authType: 'jwt',
        credential: 'token',
      };
    }
    return true;
  }
}

const PUBLIC_FEATURES = [
  'auth',
  'auth_trusted_header',
  'enable_ldap',
  'enable_login_form',
  'enable_signup',
  'enable_signup_password_confirmation',
  'enable_websocket',
  'slim',
];

const SIGNED_IN_FEATURES = [
  'enable_admin_analytics',
  'enable_admin_chat_access',
  'enable_admin_export',
  'enable_api_keys',
  'enable_automations',
  'enable_autocomplete_generation',
  'enable_calendar',
  'enable_channels',
  'enable_code_execution',
  'enable_code_interpreter',
  'enable_community_sharing',
  'enable_context_compaction',
  'enable_direct_connections',
  'enable_direct_integrations',
  'enable_easter_eggs',
  'enable_folders',
  'enable_functions',
  'enable_google_drive_integration',
  'enable_image_generation',
  'enable_memories',
  'enable_message_rating',
  'enable_notes',
  'enable_onedrive_integration',
  'enable_password_change_form',
  'enable_plugins',
  'enable_public_active_users_count',
  'enable_pyodide_file_persistence',
  'enable_tool_permissions',
  'enable_tool_servers',
  'enable_tools',
  'enable_user_status',
  'enable_user_webhooks',
  'enable_version_update_check',
  'enable_web_search',
  'enable_web_search_confirmation',
  'folder_max_file_count',
  'web_search_confirmation_content',
];

const VERIFIED_KEYS = [
  'audio',
  'code',
  'default_models',
  'default_pinned_models',
  'default_prompt_suggestions',
  'default_prompt_suggestions_i18n',
  'file',
  'google_drive',
  'license_metadata',
  'onedrive',
  'permissions',
  'ui',
];
const TOP_LEVEL = ['default_locale', 'features', 'i18n', 'name', 'oauth', 'status', 'version'];

describe('GET /api/config by caller', () => {
  let app: INestApplication;
  const config = loadConfig({
    WEBUI_SECRET_KEY: 'unit',
    DATA_DIR: '/tmp/atrium-unit-system',
    WEBUI_NAME: 'Acme Chat',
    PENDING_USER_OVERLAY_TITLE: 'Hold on',
    PENDING_USER_OVERLAY_CONTENT: 'An admin will let you in.',
    RESPONSE_WATERMARK: 'AI generated',
  });
  const settingsValues = { ...config.seeds };
  let userCount = 1;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      controllers: [SystemController],
      providers: [
        ClientConfigService,
        VersionService,
        WebManifestService,
        LatestReleaseClient,
        Clock,
        { provide: APP_CONFIG, useValue: config },
        { provide: BUILD_INFO, useValue: { version: '1.2.3', deploymentId: 'deploy-1' } },
        {
          provide: SettingsService,
          useValue: { get: (key: PersistedSettingKey) => settingsValues[key] },
        },
        { provide: UsersService, useValue: { count: () => Promise.resolve(userCount) } },
        { provide: APP_GUARD, useClass: StandInIdentifyingGuard },
        { provide: APP_FILTER, useClass: HttpExceptionFilter },
      ],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
  });
  afterAll(async () => {
    await app?.close();
  });

  const get = (role?: Role) => {
    const call = request(app.getHttpServer()).get('/api/config');
    return (role ? call.set('x-test-role', role) : call).expect(200);
  };

  it('anonymous with no users yet: onboarding true (first: a user count is then cached)', async () => {
    userCount = 0;
    try {
      expect((await get()).body.onboarding).toBe(true);
    } finally {
      userCount = 1;
    }
  });

  it('anonymous: the public block only', async () => {
    const body = (await get()).body;
    expect(Object.keys(body).sort()).toEqual([...TOP_LEVEL].sort());
    expect(Object.keys(body.features).sort()).toEqual([...PUBLIC_FEATURES].sort());
    expect(body).toMatchObject({ status: true, name: 'Acme Chat', version: '1.2.3' });
  });

  it('pending: public block, signed-in features and only the overlay texts of ui', async () => {
    const body = (await get('pending')).body;
    expect(Object.keys(body).sort()).toEqual([...TOP_LEVEL, 'ui'].sort());
    expect(Object.keys(body.features).sort()).toEqual(
      [...PUBLIC_FEATURES, ...SIGNED_IN_FEATURES].sort(),
    );
    expect(body.ui).toEqual({
      pending_user_overlay_title: 'Hold on',
      pending_user_overlay_content: 'An admin will let you in.',
    });
  });

  it.each(['user', 'admin'] as const)('%s: the extended block as well', async (role) => {
    const body = (await get(role)).body;
    expect(Object.keys(body).sort()).toEqual([...TOP_LEVEL, ...VERIFIED_KEYS].sort());
    expect(body).not.toHaveProperty('onboarding');
    expect(body).not.toHaveProperty('user_count');
    expect(Object.keys(body.features).sort()).toEqual(
      [...PUBLIC_FEATURES, ...SIGNED_IN_FEATURES].sort(),
    );
    expect(body.permissions).toEqual(config.seeds['user.permissions']);
    expect(body.ui).toEqual({
      default_interface_settings: {},
      pending_user_overlay_title: 'Hold on',
      pending_user_overlay_content: 'An admin will let you in.',
      response_watermark: 'AI generated',
      iframe_csp: '',
    });
    expect(body.code).toEqual({ engine: 'pyodide', interpreter_engine: 'pyodide' });
    expect(body.file).toEqual({
      max_size: null,
      max_count: null,
      image_compression: { width: null, height: null },
    });
    expect(body.audio).toEqual({
      realtime: { enabled: null, model: null, voice: null },
      tts: { engine: '', voice: 'alloy', split_on: 'punctuation' },
      stt: { engine: '' },
    });
    expect(body.default_prompt_suggestions.length).toBeGreaterThan(0);
    for (const suggestion of body.default_prompt_suggestions) {
      expect(suggestion.title).toHaveLength(2);
      expect(typeof suggestion.content).toBe('string');
    }
    expect(body.license_metadata).toBeNull();
  });

  it('reflects run-time settings on the next call', async () => {
    settingsValues['ui.enable_signup'] = false;
    try {
      expect((await get()).body.features.enable_signup).toBe(false);
    } finally {
      settingsValues['ui.enable_signup'] = true;
    }
  });
});
