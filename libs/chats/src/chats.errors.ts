import { DomainError, ErrorMessages } from '@atrium/common';

/** Open WebUI's ERROR_MESSAGES.DEFAULT(text): the text wrapped as "[ERROR: ...]". */
export function defaultError(text: string): string {
  return `[ERROR: ${text}]`;
}

/**
 * How a chat route answers a chat id the caller does not own, copied per route from Open WebUI
 * (mostly 401, with one of three details). A missing chat and someone else's chat get the same
 * answer, so the answer tells nothing about whether the id exists.
 */
export type MissingChatAnswer = 'not-found' | 'prohibited' | 'default' | 'not-found-404';

export class ChatUnavailableError extends DomainError {
  constructor(answer: MissingChatAnswer) {
    super(
      answer === 'not-found-404' ? 404 : 401,
      answer === 'prohibited'
        ? ErrorMessages.ACCESS_PROHIBITED
        : answer === 'default'
          ? ErrorMessages.DEFAULT
          : ErrorMessages.NOT_FOUND,
    );
  }
}

export class AccessProhibitedError extends DomainError {
  constructor(status = 401) {
    super(status, ErrorMessages.ACCESS_PROHIBITED);
  }
}

export class ResourceNotFoundError extends DomainError {
  constructor() {
    super(404, ErrorMessages.NOT_FOUND);
  }
}

export class ReservedTagError extends DomainError {
  constructor() {
    super(400, defaultError("Tag name cannot be 'None'"));
  }
}

export class FolderExistsError extends DomainError {
  constructor() {
    super(400, defaultError('Folder already exists'));
  }
}

export class InvalidFolderParentError extends DomainError {
  constructor() {
    super(400, defaultError('Error updating folder'));
  }
}
