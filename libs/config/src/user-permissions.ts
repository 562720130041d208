import type { EnvReader } from './env-reader.js';

/** Open WebUI's permission tree: section -> flag -> allowed. */
export type PermissionTree = Record<string, Record<string, boolean>>;

interface PermissionFlag {
  section: string;
  key: string;
  env: string;
  default: boolean;
}

const flag = (section: string, key: string, env: string, fallback: boolean): PermissionFlag => ({
  section,
  key,
  env,
  default: fallback,
});

const WORKSPACE_RESOURCES = ['models', 'knowledge', 'prompts', 'tools', 'skills'] as const;
const CHAT_FLAGS_ON = [
  'controls',
  'valves',
  'system_prompt',
  'params',
  'file_upload',
  'web_upload',
  'delete',
  'delete_message',
  'continue_response',
  'regenerate_response',
  'rate_response',
  'edit',
  'share',
  'export',
  'import',
  'stt',
  'tts',
  'call',
  'multiple_models',
  'temporary',
] as const;
const FEATURE_DEFAULTS: Record<string, boolean> = {
  api_keys: false,
  notes: true,
  folders: true,
  channels: true,
  direct_tool_servers: false,
  web_search: true,
  image_generation: true,
  code_interpreter: true,
  memories: true,
  automations: false,
  calendar: true,
  webhooks: false,
};

/** Every flag with the environment variable that seeds it (Open WebUI's USER_PERMISSIONS_* names). */
export const USER_PERMISSION_FLAGS: readonly PermissionFlag[] = [
  ...WORKSPACE_RESOURCES.flatMap((resource) => {
    const upper = resource.toUpperCase();
    const flags = [
      flag('workspace', resource, `USER_PERMISSIONS_WORKSPACE_${upper}_ACCESS`, false),
    ];
    if (resource !== 'knowledge') {
      flags.push(
        flag(
          'workspace',
          `${resource}_import`,
          `USER_PERMISSIONS_WORKSPACE_${upper}_IMPORT`,
          false,
        ),
        flag(
          'workspace',
          `${resource}_export`,
          `USER_PERMISSIONS_WORKSPACE_${upper}_EXPORT`,
          false,
        ),
      );
    }
    return flags;
  }),
  ...WORKSPACE_RESOURCES.flatMap((resource) => {
    const upper = resource.toUpperCase();
    return [
      flag('sharing', resource, `USER_PERMISSIONS_WORKSPACE_${upper}_ALLOW_SHARING`, false),
      flag(
        'sharing',
        `public_${resource}`,
        `USER_PERMISSIONS_WORKSPACE_${upper}_ALLOW_PUBLIC_SHARING`,
        false,
      ),
    ];
  }),
  flag('sharing', 'notes', 'USER_PERMISSIONS_NOTES_ALLOW_SHARING', false),
  flag('sharing', 'public_notes', 'USER_PERMISSIONS_NOTES_ALLOW_PUBLIC_SHARING', false),
  flag('sharing', 'folders', 'USER_PERMISSIONS_FOLDERS_ALLOW_SHARING', false),
  flag('sharing', 'public_chats', 'USER_PERMISSIONS_CHAT_ALLOW_PUBLIC_SHARING', false),
  flag('sharing', 'public_calendars', 'USER_PERMISSIONS_CALENDARS_ALLOW_PUBLIC_SHARING', false),
  flag('access_grants', 'allow_users', 'USER_PERMISSIONS_ACCESS_GRANTS_ALLOW_USERS', true),
  ...CHAT_FLAGS_ON.map((key) =>
    flag('chat', key, `USER_PERMISSIONS_CHAT_${key.toUpperCase()}`, true),
  ),
  flag('chat', 'temporary_enforced', 'USER_PERMISSIONS_CHAT_TEMPORARY_ENFORCED', false),
  ...Object.entries(FEATURE_DEFAULTS).map(([key, value]) =>
    flag('features', key, `USER_PERMISSIONS_FEATURES_${key.toUpperCase()}`, value),
  ),
  flag('settings', 'interface', 'USER_PERMISSIONS_SETTINGS_INTERFACE', true),
];

/** The default permission tree, with each flag overridable by its environment variable. */
export function readUserPermissions(reader: EnvReader): PermissionTree {
  const tree: PermissionTree = {};
  for (const item of USER_PERMISSION_FLAGS) {
    tree[item.section] ??= {};
    tree[item.section][item.key] = reader.bool(item.env, item.default);
  }
  return tree;
}
