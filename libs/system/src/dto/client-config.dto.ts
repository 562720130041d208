import type { PermissionTree } from '@atrium/config';

/** `GET /api/config`: the blocks Open WebUI's frontend reads on every page load (reference §2). */

/** Sent to everyone, signed in or not: what the sign-in page needs. */
export interface PublicFeatures {
  slim: boolean;
  auth: boolean;
  auth_trusted_header: boolean;
  enable_signup_password_confirmation: boolean;
  enable_ldap: boolean;
  enable_signup: boolean;
  enable_login_form: boolean;
  enable_websocket: boolean;
  websocket_heartbeat_interval?: number;
}

/** Added for any signed-in caller, pending users included (as Open WebUI does). */
export interface SignedInFeatures {
  enable_api_keys: boolean;
  enable_password_change_form: boolean;
  enable_version_update_check: boolean;
  enable_pyodide_file_persistence: boolean;
  enable_public_active_users_count: boolean;
  enable_easter_eggs: boolean;
  enable_direct_connections: boolean;
  enable_direct_integrations: boolean;
  enable_plugins: boolean;
  enable_tools: boolean;
  enable_functions: boolean;
  enable_tool_servers: boolean;
  enable_folders: boolean;
  folder_max_file_count: number | null;
  enable_channels: boolean;
  enable_calendar: boolean;
  enable_automations: boolean;
  enable_notes: boolean;
  enable_context_compaction: boolean;
  enable_tool_permissions: boolean;
  enable_web_search: boolean;
  enable_web_search_confirmation: boolean;
  web_search_confirmation_content: string;
  enable_code_execution: boolean;
  enable_code_interpreter: boolean;
  enable_image_generation: boolean;
  enable_autocomplete_generation: boolean;
  enable_community_sharing: boolean;
  enable_message_rating: boolean;
  enable_user_webhooks: boolean;
  enable_user_status: boolean;
  enable_admin_export: boolean;
  enable_admin_chat_access: boolean;
  enable_admin_analytics: boolean;
  enable_google_drive_integration: boolean;
  enable_onedrive_integration: boolean;
  enable_memories: boolean;
  enable_onedrive_personal?: boolean;
  enable_onedrive_business?: boolean;
}

export interface PromptSuggestion {
  title: [string, string];
  content: string;
}

export interface OverlayUi {
  pending_user_overlay_title: string;
  pending_user_overlay_content: string;
}

/** Sent only to verified callers (role user or admin). */
export interface VerifiedBlock {
  default_models: string | null;
  default_pinned_models: string | null;
  default_prompt_suggestions: PromptSuggestion[];
  default_prompt_suggestions_i18n: Record<string, unknown> | null;
  code: { engine: string; interpreter_engine: string };
  audio: {
    realtime: { enabled: boolean | null; model: string | null; voice: string | null };
    tts: { engine: string; voice: string; split_on: string };
    stt: { engine: string };
  };
  file: {
    max_size: number | null;
    max_count: number | null;
    image_compression: { width: number | null; height: number | null };
  };
  permissions: PermissionTree;
  google_drive: { client_id: string; api_key: string };
  onedrive: {
    client_id_personal: string;
    client_id_business: string;
    sharepoint_url: string;
    sharepoint_tenant_id: string;
  };
  ui: OverlayUi & {
    default_interface_settings: Record<string, unknown>;
    response_watermark: string;
    iframe_csp: string;
  };
  license_metadata: null;
}

export interface ClientConfigResponse extends Partial<Omit<VerifiedBlock, 'ui'>> {
  /** Present (and true) only for an anonymous caller while no user exists yet. */
  onboarding?: true;
  status: true;
  name: string;
  version: string;
  default_locale: string;
  i18n: Record<string, unknown>;
  oauth: { providers: Record<string, string>; auto_redirect: boolean };
  features: PublicFeatures & Partial<SignedInFeatures>;
  /** Pending users get only the overlay texts of the `ui` block. */
  ui?: VerifiedBlock['ui'] | OverlayUi;
}
