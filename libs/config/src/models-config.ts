import type { EnvReader } from './env-reader.js';

/** Environment settings of the workspace models library. */
export interface ModelsConfig {
  /**
   * BYPASS_ADMIN_ACCESS_CONTROL (old name ENABLE_ADMIN_WORKSPACE_CONTENT_ACCESS; default true):
   * admins see and edit every workspace item regardless of its grants.
   */
  bypassAdminAccessControl: boolean;
}

export function readModelsConfig(reader: EnvReader): ModelsConfig {
  return {
    bypassAdminAccessControl: reader.bool(
      'BYPASS_ADMIN_ACCESS_CONTROL',
      reader.bool('ENABLE_ADMIN_WORKSPACE_CONTENT_ACCESS', true),
    ),
  };
}
