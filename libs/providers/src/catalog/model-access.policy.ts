import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@atrium/config';
import type { AuthenticatedUser } from '@atrium/common';
import type { ModelRecord } from './model-record.js';

/**
 * Who may see and use which model. The models issue replaces the default with workspace-model
 * grants (§7.3); until then every provider model is open to verified users.
 */
export interface ModelAccessPolicy {
  canUse(user: AuthenticatedUser, model: ModelRecord): boolean;
}

export const MODEL_ACCESS_POLICY = Symbol('MODEL_ACCESS_POLICY');

/** Provider models are visible to verified users (user and admin roles). */
@Injectable()
export class VerifiedUsersModelAccessPolicy implements ModelAccessPolicy {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  canUse(user: AuthenticatedUser, _model: ModelRecord): boolean {
    if (this.config.providers.bypassModelAccessControl) return true;
    return user.role === 'admin' || user.role === 'user';
  }
}
