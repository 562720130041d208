import { DomainError, ErrorMessages } from '@atrium/common';

/** An unknown task id, or one the caller may not touch (the same answer, on purpose). */
export class TaskNotFoundError extends DomainError {
  constructor(taskId: string) {
    super(404, `Task with ID ${taskId} not found.`);
  }
}

/** A chat the caller does not own (Open WebUI answers 404 NOT_FOUND). */
export class ChatNotFoundError extends DomainError {
  constructor() {
    super(404, ErrorMessages.NOT_FOUND);
  }
}
