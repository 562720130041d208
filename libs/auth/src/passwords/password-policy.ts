import { Inject, Injectable } from '@nestjs/common';
import { BadRequestError, ErrorMessages } from '@atrium/common';
import { APP_CONFIG, type AppConfig } from '@atrium/config';
import { AuthMessages } from '../auth.errors.js';
import { BCRYPT_MAX_PASSWORD_BYTES, passwordByteLength } from './password-hasher.js';

/**
 * Open WebUI's validate_password: at most 72 bytes (bcrypt's limit), and when
 * ENABLE_PASSWORD_VALIDATION is on, PASSWORD_VALIDATION_REGEX_PATTERN must match.
 */
@Injectable()
export class PasswordPolicy {
  private readonly pattern: RegExp | undefined;
  private readonly failureMessage: string;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    const rules = config.auth.passwordValidation;
    this.pattern = rules.enabled ? new RegExp(rules.pattern) : undefined;
    this.failureMessage = rules.hint || AuthMessages.PASSWORD_RULES_NOT_MET;
  }

  /** Throws a 400 with the user-facing reason when the password may not be set. */
  assertAcceptable(password: string): void {
    if (passwordByteLength(password) > BCRYPT_MAX_PASSWORD_BYTES) {
      throw new BadRequestError(ErrorMessages.PASSWORD_TOO_LONG);
    }
    if (this.pattern && !this.pattern.test(password)) {
      throw new BadRequestError(this.failureMessage);
    }
  }
}
