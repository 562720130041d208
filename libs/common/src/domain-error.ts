/**
 * A domain failure that maps to one HTTP status and Open WebUI's `{"detail": ...}` body.
 * Services throw these; the global exception filter renders them.
 */
export class DomainError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    /** Extra response headers (e.g. Retry-After). */
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
    this.name = new.target.name;
  }
}

export class BadRequestError extends DomainError {
  constructor(detail: string) {
    super(400, detail);
  }
}

export class UnauthorizedError extends DomainError {
  constructor(detail: string) {
    super(401, detail);
  }
}

export class ForbiddenError extends DomainError {
  constructor(detail: string) {
    super(403, detail);
  }
}

export class NotFoundError extends DomainError {
  constructor(detail: string) {
    super(404, detail);
  }
}

export class TooManyRequestsError extends DomainError {
  constructor(detail: string, retryAfterSeconds: number) {
    super(429, detail, { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))) });
  }
}

export class ServiceUnavailableError extends DomainError {
  constructor(detail: string) {
    super(503, detail);
  }
}
