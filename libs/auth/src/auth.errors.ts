import {
  ErrorMessages,
  ForbiddenError,
  TooManyRequestsError,
  UnauthorizedError,
} from '@atrium/common';

/**
 * Auth-specific details that are not in the shared ErrorMessages. Open WebUI's frontend shows
 * `detail` verbatim, so the wording follows upstream.
 */
export const AuthMessages = {
  /** Upstream APIKeyRestrictionMiddleware's detail when a key calls a path it may not. */
  API_KEY_ENDPOINT_NOT_ALLOWED: 'API key not allowed to access this endpoint.',
  /** Upstream ERROR_MESSAGES.INVALID_PASSWORD() without a hint. */
  PASSWORD_RULES_NOT_MET: 'The password does not meet the required validation criteria.',
  /** Upstream ERROR_MESSAGES.INCORRECT_PASSWORD (wrong current password on a change). */
  INCORRECT_PASSWORD: 'The password provided is incorrect. Please check for typos and try again.',
} as const;

/** No credential at all on a route that needs one (FastAPI HTTPBearer's answer). */
export class NotAuthenticatedError extends ForbiddenError {
  constructor() {
    super(ErrorMessages.NOT_AUTHENTICATED);
  }
}

/** Bad, expired or revoked token, or a token whose user is gone. */
export class InvalidSessionError extends UnauthorizedError {
  constructor() {
    super(ErrorMessages.INVALID_TOKEN);
  }
}

/** Role or permission too low: Open WebUI answers 401 here, and the UI relies on it. */
export class AccessProhibitedError extends UnauthorizedError {
  constructor() {
    super(ErrorMessages.ACCESS_PROHIBITED);
  }
}

export class ApiKeyNotAllowedError extends ForbiddenError {
  constructor(detail: string = ErrorMessages.API_KEY_NOT_ALLOWED) {
    super(detail);
  }
}

export class SigninRateLimitedError extends TooManyRequestsError {
  constructor(retryAfterSeconds: number) {
    super(ErrorMessages.RATE_LIMIT_EXCEEDED, retryAfterSeconds);
  }
}
