/**
 * How the users library changes a password without knowing how passwords are stored.
 * The auth library implements it and registers it in its own module:
 *
 *   providers: [{ provide: PASSWORD_UPDATER, useExisting: PasswordCredentialsService }]
 *
 * No export or import is needed: the users library looks the provider up at call time
 * (so the two modules do not import each other).
 */
export interface PasswordUpdater {
  /**
   * Hashes and stores a new password for the user. Throws a DomainError (400) when the
   * password is not acceptable (too long for bcrypt, fails PASSWORD_VALIDATION_REGEX_PATTERN).
   */
  setPassword(userId: string, plainPassword: string): Promise<void>;
}

export const PASSWORD_UPDATER = Symbol('PASSWORD_UPDATER');
