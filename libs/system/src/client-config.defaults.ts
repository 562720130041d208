import type { PromptSuggestion } from './dto/client-config.dto.js';

/**
 * Values of GET /api/config that Atrium does not configure yet. Each holds Open WebUI's default
 * (backend/open_webui/config.py DEFAULT_CONFIG and env.py) so the frontend behaves as on a fresh
 * Open WebUI, and names the issue whose owner replaces it with real configuration.
 */
export const PENDING_CLIENT_CONFIG = {
  // Issue #6 (enterprise sign-in): automatic redirect to the only OAuth provider.
  oauthAutoRedirect: false, // OAUTH_AUTO_REDIRECT

  // Issue #5 (realtime): client heartbeat period.
  websocketHeartbeatInterval: undefined as number | undefined, // WEBSOCKET_HEARTBEAT_INTERVAL (omitted when unset)

  // Issue #3 (providers): browser-side direct connections.
  enableDirectConnections: false, // ENABLE_DIRECT_CONNECTIONS, persisted as direct.enable
  defaultModels: null as string | null, // DEFAULT_MODELS, persisted as ui.default_models
  defaultPinnedModels: null as string | null, // DEFAULT_PINNED_MODELS, persisted as ui.default_pinned_models

  // Issue #2 follow-up (admin settings not persisted yet).
  enablePasswordChangeForm: true, // ENABLE_PASSWORD_CHANGE_FORM, persisted as ui.enable_password_change_form
  defaultInterfaceSettings: {} as Record<string, unknown>, // DEFAULT_INTERFACE_SETTINGS
  iframeCsp: '', // IFRAME_CSP

  // Issue #7 (observability): analytics dashboard switch.
  enableAdminAnalytics: true, // ENABLE_ADMIN_ANALYTICS

  // No issue yet: features Atrium does not serve. Open WebUI's defaults, kept for fidelity; the
  // report to the lead lists the ones that are on by default although no route backs them.
  slim: false, // USE_SLIM
  enablePyodideFilePersistence: true, // ENABLE_PYODIDE_FILE_PERSISTENCE (default unverified)
  enableEasterEggs: true, // ENABLE_EASTER_EGGS (default unverified)
  enablePlugins: true, // ENABLE_PLUGINS (default unverified)
  enableTools: true, // ENABLE_TOOLS (default unverified)
  enableFunctions: true, // ENABLE_FUNCTIONS (default unverified)
  enableToolServers: true, // ENABLE_TOOL_SERVERS (default unverified)
  enableDirectIntegrations: false, // ENABLE_TOOL_SERVERS and direct.integrations.enable (unset upstream)
  enableCalendar: true, // ENABLE_CALENDAR
  enableAutomations: true, // ENABLE_AUTOMATIONS
  enableContextCompaction: false, // ENABLE_CONTEXT_COMPACTION
  enableToolPermissions: false, // ENABLE_TOOL_PERMISSIONS
  enableWebSearch: false, // ENABLE_WEB_SEARCH
  enableWebSearchConfirmation: false, // ENABLE_WEB_SEARCH_CONFIRMATION
  webSearchConfirmationContent: 'Your query will be sent to the configured web search provider.', // WEB_SEARCH_CONFIRMATION_CONTENT
  enableCodeExecution: true, // ENABLE_CODE_EXECUTION
  enableCodeInterpreter: true, // ENABLE_CODE_INTERPRETER
  enableImageGeneration: false, // ENABLE_IMAGE_GENERATION
  enableAutocompleteGeneration: false, // ENABLE_AUTOCOMPLETE_GENERATION
  enableGoogleDriveIntegration: false, // ENABLE_GOOGLE_DRIVE_INTEGRATION
  enableOnedriveIntegration: false, // ENABLE_ONEDRIVE_INTEGRATION
  codeExecutionEngine: 'pyodide', // CODE_EXECUTION_ENGINE
  codeInterpreterEngine: 'pyodide', // CODE_INTERPRETER_ENGINE
  ttsEngine: '', // AUDIO_TTS_ENGINE
  ttsVoice: 'alloy', // AUDIO_TTS_VOICE
  ttsSplitOn: 'punctuation', // AUDIO_TTS_SPLIT_ON
  sttEngine: '', // AUDIO_STT_ENGINE
  fileMaxSize: null as number | null, // RAG_FILE_MAX_SIZE (MB)
  fileMaxCount: null as number | null, // RAG_FILE_MAX_COUNT
  imageCompressionWidth: null as number | null, // FILE_IMAGE_COMPRESSION_WIDTH
  imageCompressionHeight: null as number | null, // FILE_IMAGE_COMPRESSION_HEIGHT
  googleDriveClientId: '', // GOOGLE_DRIVE_CLIENT_ID
  googleDriveApiKey: '', // GOOGLE_DRIVE_API_KEY
  onedriveClientIdPersonal: '', // ONEDRIVE_CLIENT_ID_PERSONAL
  onedriveClientIdBusiness: '', // ONEDRIVE_CLIENT_ID_BUSINESS
  onedriveSharepointUrl: '', // ONEDRIVE_SHAREPOINT_URL
  onedriveSharepointTenantId: '', // ONEDRIVE_SHAREPOINT_TENANT_ID
} as const;

/**
 * Atrium's own starter prompts (DEFAULT_PROMPT_SUGGESTIONS shape: a two-line title and the prompt),
 * shown on an empty chat until admins set their own (persisted as ui.prompt_suggestions later).
 */
export const DEFAULT_PROMPT_SUGGESTIONS: readonly PromptSuggestion[] = [
  {
    title: ['Summarise a document', 'into five key points'],
    content: 'Summarise the text I paste next into five short key points, most important first.',
  },
  {
    title: ['Draft an email', 'asking to move a meeting'],
    content:
      'Write a short, polite email asking to move our meeting from Tuesday to Thursday afternoon.',
  },
  {
    title: ['Explain a concept', 'as if I were new to it'],
    content: 'Explain how public-key cryptography works to someone with no technical background.',
  },
  {
    title: ['Review my code', 'for bugs and readability'],
    content:
      'Review the code I paste next: point out bugs first, then anything that hurts readability.',
  },
  {
    title: ['Plan a week', 'of simple dinners'],
    content: 'Suggest five simple weekday dinners with a shared shopping list.',
  },
  {
    title: ['Brainstorm names', 'for a small project'],
    content: 'Give me ten short, memorable names for a small open-source note-taking app.',
  },
];
