import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { AccountsService } from './accounts.service.js';

/** Creates the WEBUI_ADMIN_EMAIL admin at start when the database has no users yet. */
@Injectable()
export class AdminBootstrapService implements OnApplicationBootstrap {
  constructor(private readonly accounts: AccountsService) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.accounts.ensureConfiguredAdmin();
  }
}
