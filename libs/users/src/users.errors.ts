import { BadRequestError, DomainError, ErrorMessages, ForbiddenError } from '@atrium/common';

/**
 * The status codes Open WebUI answers with in the users and groups routers, written down once.
 * Open WebUI reports most "not found" cases in these routers as 400 (users) or 401/404 (groups);
 * the frontend shows `detail` as is, so the wording matches its ERROR_MESSAGES.
 */
export const UsersErrorStatus = {
  /** users.py: every unknown user_id (GET/POST /{user_id}..., profile image, update). */
  USER_NOT_FOUND: 400,
  /** users.py: the primary admin, self-deletion, leaving the admin role. */
  ACTION_PROHIBITED: 403,
  /** users.py update: the new email belongs to another account. */
  EMAIL_TAKEN: 400,
  /**
   * groups.py GET /id/{id}, /id/{id}/info, /id/{id}/export: 401 in Open WebUI 0.6-0.8,
   * 404 in the current router. Atrium uses 404: an unexpected 401 makes the frontend
   * check whether the session is still valid.
   */
  GROUP_NOT_FOUND_ON_READ: 404,
  /**
   * groups.py update, users/add, users/remove, delete: Open WebUI answers 400 when the
   * operation fails (its delete even answers true for an unknown id). Atrium answers 400
   * for an unknown group on every write, and on POST /id/{id}/users (Open WebUI: empty list).
   */
  GROUP_NOT_FOUND_ON_WRITE: 400,
} as const;

export class UserNotFoundError extends DomainError {
  constructor() {
    super(UsersErrorStatus.USER_NOT_FOUND, ErrorMessages.USER_NOT_FOUND);
  }
}

export class ActionProhibitedError extends ForbiddenError {
  constructor() {
    super(ErrorMessages.ACTION_PROHIBITED);
  }
}

export class EmailTakenError extends BadRequestError {
  constructor() {
    super(ErrorMessages.EMAIL_TAKEN);
  }
}

export class GroupNotFoundError extends DomainError {
  constructor(operation: 'read' | 'write') {
    super(
      operation === 'read'
        ? UsersErrorStatus.GROUP_NOT_FOUND_ON_READ
        : UsersErrorStatus.GROUP_NOT_FOUND_ON_WRITE,
      ErrorMessages.NOT_FOUND,
    );
  }
}

/** No auth library has registered a PASSWORD_UPDATER: a wiring problem, not the caller's fault. */
export class PasswordUpdatesUnavailableError extends DomainError {
  constructor() {
    super(500, 'Password changes are not available on this server.');
  }
}
