import { Controller, Get, Inject } from '@nestjs/common';
import {
  Auth,
  CurrentUser,
  ErrorMessages,
  ForbiddenError,
  type AuthenticatedUser,
} from '@atrium/common';
import { APP_CONFIG, type AppConfig } from '@atrium/config';
import { SessionPool } from './session-pool.js';
import { UsagePool } from './usage-pool.js';

export interface UsageResponse {
  model_ids: string[];
  user_count: number;
}

/** GET /api/usage: models in use and connected users, across instances when Redis is shared. */
@Controller('api')
export class UsageController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly usage: UsagePool,
    private readonly sessions: SessionPool,
  ) {}

  /** Verified users; admins only when ENABLE_PUBLIC_ACTIVE_USERS_COUNT is off. */
  @Get('usage')
  @Auth()
  async getUsage(@CurrentUser() caller: AuthenticatedUser): Promise<UsageResponse> {
    if (!this.config.realtime.publicActiveUsersCount && caller.role !== 'admin') {
      throw new ForbiddenError(ErrorMessages.ACCESS_PROHIBITED);
    }
    const [modelIds, userIds] = await Promise.all([
      this.usage.modelsInUse(),
      this.sessions.activeUserIds(),
    ]);
    return { model_ids: modelIds, user_count: userIds.length };
  }
}
