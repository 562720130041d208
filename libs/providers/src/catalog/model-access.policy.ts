import type { AuthenticatedUser } from '@atrium/common';

/**
 * Who may see and use which provider model (§7.3). The app binds it to the workspace models'
 * visibility rules (@atrium/models): a role-user sees a model only when a workspace row grants it.
 */
export interface ModelAccessPolicy {
  /** The ids among `modelIds` the caller may see and use, in one lookup. */
  visibleIds(user: AuthenticatedUser, modelIds: readonly string[]): Promise<Set<string>>;
  /** True when the caller sees every model whatever its rows (bypass settings): lists can be shared. */
  seesEverything?(user: AuthenticatedUser): boolean;
}

export const MODEL_ACCESS_POLICY = Symbol('MODEL_ACCESS_POLICY');
