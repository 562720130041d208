import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, configuredOAuthProviders, type AppConfig } from '@atrium/config';
import { Clock, type AuthenticatedUser } from '@atrium/common';
import { SettingsService } from '@atrium/settings';
import { UsersService } from '@atrium/users';
import { BUILD_INFO, type BuildInfo } from './build-info.js';
import {
  DEFAULT_PROMPT_SUGGESTIONS,
  PENDING_CLIENT_CONFIG as PENDING,
} from './client-config.defaults.js';
import type {
  ClientConfigResponse,
  OverlayUi,
  PublicFeatures,
  SignedInFeatures,
  VerifiedBlock,
} from './dto/client-config.dto.js';
import { systemOptions, type SystemOptions } from './system-options.js';

/**
 * Once a user exists, one always does (the primary admin cannot be deleted), so "users exist" is
 * remembered for a minute. "No users yet" is never cached: the first signup must end onboarding
 * for the next page load at once, and a fresh install sees little traffic.
 */
const USERS_EXIST_CACHE_MS = 60_000;

/** Builds GET /api/config: the public block, plus the signed-in and verified blocks by role. */
@Injectable()
export class ClientConfigService {
  private readonly options: SystemOptions;
  private usersExistUntil = 0;
  private usersExistLookup: Promise<boolean> | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(BUILD_INFO) private readonly build: BuildInfo,
    private readonly settings: SettingsService,
    private readonly users: UsersService,
    private readonly clock: Clock,
  ) {
    this.options = systemOptions(config);
  }

  async forCaller(user: AuthenticatedUser | undefined): Promise<ClientConfigResponse> {
    const onboarding = user === undefined && !(await this.usersExist());
    const verified = user !== undefined && (user.role === 'admin' || user.role === 'user');
    const response: ClientConfigResponse = {
      ...(onboarding ? { onboarding: true as const } : {}),
      status: true,
      name: this.options.webuiName,
      version: this.build.version,
      default_locale: this.options.defaultLocale,
      i18n: {},
      oauth: {
        providers: configuredOAuthProviders(this.config.oauth, (key) => this.settings.get(key)),
        auto_redirect: PENDING.oauthAutoRedirect,
      },
      features: {
        ...this.publicFeatures(),
        ...(user !== undefined ? this.signedInFeatures() : {}),
      },
    };
    if (verified) return { ...response, ...this.verifiedBlock() };
    if (user?.role === 'pending') return { ...response, ui: this.overlayUi() };
    return response;
  }

  private publicFeatures(): PublicFeatures {
    return {
      slim: PENDING.slim,
      auth: this.config.auth.webuiAuth,
      auth_trusted_header: Boolean(this.config.trustedHeaders.emailHeader),
      enable_signup_password_confirmation: this.config.auth.enableSignupPasswordConfirmation,
      enable_ldap: this.settings.get('ldap.enable'),
      enable_signup: this.settings.get('ui.enable_signup'),
      enable_login_form: this.settings.get('ui.enable_login_form'),
      enable_websocket: this.config.realtime.enableWebsocket,
      ...(PENDING.websocketHeartbeatInterval !== undefined
        ? { websocket_heartbeat_interval: PENDING.websocketHeartbeatInterval }
        : {}),
    };
  }

  private signedInFeatures(): SignedInFeatures {
    const settings = this.settings;
    return {
      enable_api_keys: settings.get('auth.api_key.enable'),
      enable_password_change_form: PENDING.enablePasswordChangeForm,
      enable_version_update_check: this.options.enableVersionUpdateCheck,
      enable_pyodide_file_persistence: PENDING.enablePyodideFilePersistence,
      enable_public_active_users_count: this.config.realtime.publicActiveUsersCount,
      enable_easter_eggs: PENDING.enableEasterEggs,
      enable_direct_connections: PENDING.enableDirectConnections,
      enable_direct_integrations: PENDING.enableDirectIntegrations,
      enable_plugins: PENDING.enablePlugins,
      enable_tools: PENDING.enableTools,
      enable_functions: PENDING.enableFunctions,
      enable_tool_servers: PENDING.enableToolServers,
      enable_folders: settings.get('folders.enable'),
      folder_max_file_count: settings.get('folders.max_file_count'),
      enable_channels: settings.get('channels.enable'),
      enable_calendar: PENDING.enableCalendar,
      enable_automations: PENDING.enableAutomations,
      enable_notes: settings.get('notes.enable'),
      enable_context_compaction: PENDING.enableContextCompaction,
      enable_tool_permissions: PENDING.enableToolPermissions,
      enable_web_search: PENDING.enableWebSearch,
      enable_web_search_confirmation: PENDING.enableWebSearchConfirmation,
      web_search_confirmation_content: PENDING.webSearchConfirmationContent,
      enable_code_execution: PENDING.enableCodeExecution,
      enable_code_interpreter: PENDING.enableCodeInterpreter,
      enable_image_generation: PENDING.enableImageGeneration,
      enable_autocomplete_generation: PENDING.enableAutocompleteGeneration,
      enable_community_sharing: settings.get('ui.enable_community_sharing'),
      enable_message_rating: settings.get('ui.enable_message_rating'),
      enable_user_webhooks: settings.get('user.webhooks.enable'),
      enable_user_status: settings.get('user.status.enable'),
      enable_admin_export: this.config.chats.enableAdminExport,
      enable_admin_chat_access: this.config.chats.enableAdminChatAccess,
      enable_admin_analytics: PENDING.enableAdminAnalytics,
      enable_google_drive_integration: PENDING.enableGoogleDriveIntegration,
      enable_onedrive_integration: PENDING.enableOnedriveIntegration,
      enable_memories: settings.get('memories.enable'),
      // enable_onedrive_personal/business are added only when OneDrive is on (it never is yet).
    };
  }

  private verifiedBlock(): VerifiedBlock {
    return {
      default_models: PENDING.defaultModels,
      default_pinned_models: PENDING.defaultPinnedModels,
      default_prompt_suggestions: DEFAULT_PROMPT_SUGGESTIONS.map((suggestion) => ({
        title: [...suggestion.title],
        content: suggestion.content,
      })),
      default_prompt_suggestions_i18n: null,
      code: {
        engine: PENDING.codeExecutionEngine,
        interpreter_engine: PENDING.codeInterpreterEngine,
      },
      audio: {
        realtime: { enabled: null, model: null, voice: null },
        tts: { engine: PENDING.ttsEngine, voice: PENDING.ttsVoice, split_on: PENDING.ttsSplitOn },
        stt: { engine: PENDING.sttEngine },
      },
      file: {
        max_size: PENDING.fileMaxSize,
        max_count: PENDING.fileMaxCount,
        image_compression: {
          width: PENDING.imageCompressionWidth,
          height: PENDING.imageCompressionHeight,
        },
      },
      permissions: structuredClone(this.settings.get('user.permissions')),
      google_drive: { client_id: PENDING.googleDriveClientId, api_key: PENDING.googleDriveApiKey },
      onedrive: {
        client_id_personal: PENDING.onedriveClientIdPersonal,
        client_id_business: PENDING.onedriveClientIdBusiness,
        sharepoint_url: PENDING.onedriveSharepointUrl,
        sharepoint_tenant_id: PENDING.onedriveSharepointTenantId,
      },
      ui: {
        default_interface_settings: { ...PENDING.defaultInterfaceSettings },
        ...this.overlayUi(),
        response_watermark: this.settings.get('ui.response_watermark'),
        iframe_csp: PENDING.iframeCsp,
      },
      license_metadata: null,
    };
  }

  private overlayUi(): OverlayUi {
    return {
      pending_user_overlay_title: this.settings.get('ui.pending_user_overlay_title'),
      pending_user_overlay_content: this.settings.get('ui.pending_user_overlay_content'),
    };
  }

  /** Whether any user exists, cached as described at USERS_EXIST_CACHE_MS. Concurrent calls share one query. */
  private async usersExist(): Promise<boolean> {
    if (this.clock.nowMs() < this.usersExistUntil) return true;
    this.usersExistLookup ??= this.users
      .count()
      .then((count) => {
        if (count > 0) this.usersExistUntil = this.clock.nowMs() + USERS_EXIST_CACHE_MS;
        return count > 0;
      })
      .finally(() => {
        this.usersExistLookup = undefined;
      });
    return this.usersExistLookup;
  }
}
