import { DomainError, ErrorMessages } from '@atrium/common';

/** Open WebUI's model error details (constants.py ERROR_MESSAGES). */
export const ModelErrorMessages = {
  MODEL_ID_TAKEN:
    'Uh-oh! This model id is already registered. Please choose another model id string.',
  MODEL_ID_TOO_LONG:
    'The model id is too long. Please make sure your model id is less than 256 characters long.',
} as const;

export const MAX_MODEL_ID_LENGTH = 256;

export class ModelIdTakenError extends DomainError {
  constructor() {
    super(401, ModelErrorMessages.MODEL_ID_TAKEN);
  }
}

export class ModelIdTooLongError extends DomainError {
  constructor() {
    super(400, ModelErrorMessages.MODEL_ID_TOO_LONG);
  }
}

/** A model id that does not exist (Open WebUI answers 401 on most model routes). */
export class ModelNotFoundError extends DomainError {
  constructor(status = 401) {
    super(status, ErrorMessages.NOT_FOUND);
  }
}

/** A model the caller may not read or change. */
export class ModelAccessDeniedError extends DomainError {
  constructor(status: number, detail: string) {
    super(status, detail);
  }
}
