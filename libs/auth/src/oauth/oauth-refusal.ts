import { ErrorMessages } from '@atrium/common';

/** User-facing reasons a sign-in is refused (shown by the UI after /auth?error=). */
export const OAuthRefusalMessages = {
  FAILED: 'Sign-in with the identity provider failed. Please try again.',
  EXPIRED: 'The sign-in took too long or was already used. Please start again.',
  CLAIM_MISSING:
    'The identity provider did not send the information needed to sign you in. Please contact your administrator.',
  DOMAIN_NOT_ALLOWED: 'Your email domain is not allowed to sign in here.',
  ROLE_NOT_ALLOWED:
    'Your account does not have a role that may use this application. Please contact your administrator.',
  SIGNUP_DISABLED: ErrorMessages.ACCESS_PROHIBITED,
  EMAIL_TAKEN: ErrorMessages.EMAIL_TAKEN,
} as const;

/**
 * A refused OAuth sign-in: `message` goes to the user, `reason` to the log (it may name
 * claims, roles and addresses; never tokens or secrets).
 */
export class OAuthRefusal extends Error {
  constructor(
    readonly userMessage: string,
    readonly reason: string,
  ) {
    super(reason);
    this.name = 'OAuthRefusal';
  }
}
