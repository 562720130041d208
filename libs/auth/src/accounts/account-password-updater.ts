import { Injectable, type OnModuleInit } from '@nestjs/common';
import { UserEventsService, type PasswordUpdater } from '@atrium/users';
import { AccountsService } from './accounts.service.js';

/**
 * The users library's PASSWORD_UPDATER (admins setting a user's password without the old one),
 * and the listener that keeps the credential's copy of the email in step when the users
 * library changes a user's email.
 */
@Injectable()
export class AccountPasswordUpdater implements PasswordUpdater, OnModuleInit {
  constructor(
    private readonly accounts: AccountsService,
    private readonly userEvents: UserEventsService,
  ) {}

  onModuleInit(): void {
    this.userEvents.onUserEmailChanged(({ userId, email }) =>
      this.accounts.syncCredentialEmail(userId, email),
    );
  }

  /** Throws 400 with Open WebUI's message when the password breaks the policy. */
  setPassword(userId: string, plainPassword: string): Promise<void> {
    return this.accounts.setPassword(userId, plainPassword);
  }
}
