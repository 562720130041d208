import { BadRequestError, DomainError } from '@atrium/common';

/** Open WebUI's details for LDAP sign-in failures (the UI shows them verbatim). */
export const LdapMessages = {
  NOT_ENABLED: 'LDAP authentication is not enabled',
  APP_BIND_FAILED: 'Application account bind failed',
  USER_NOT_FOUND: 'User not found in the LDAP server',
  NO_EMAIL: 'User does not have a valid email address.',
  AUTH_FAILED: 'Authentication failed.',
  USER_MISMATCH: 'User record mismatch.',
  TLS_CONFIG: 'Failed to configure TLS for LDAP connection.',
} as const;

export class LdapSigninRefusedError extends BadRequestError {}

/** The directory did not answer in time or refused the connection: 503, never a hang. */
export class LdapUnavailableError extends DomainError {
  constructor(reason: string) {
    super(503, `The LDAP server is unavailable: ${reason}`);
  }
}
