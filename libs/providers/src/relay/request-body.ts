import { UnprocessableEntityException } from '@nestjs/common';

/**
 * A proxied JSON body (Ollama/OpenAI payload): open-ended, extra fields welcome, but it must be
 * a JSON object. Anything else is FastAPI's 422.
 */
export function requestBody(body: unknown): Record<string, unknown> {
  if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
    return body as Record<string, unknown>;
  }
  throw new UnprocessableEntityException({
    detail: [
      {
        type: 'dict_type',
        loc: ['body'],
        msg: 'Input should be a valid dictionary',
        input: body ?? null,
      },
    ],
  });
}

/** A required non-empty string field of a proxied body; missing is FastAPI's 422. */
export function requiredField(body: Record<string, unknown>, field: string): string {
  const value = body[field];
  if (typeof value === 'string' && value !== '') return value;
  throw new UnprocessableEntityException({
    detail: [
      {
        type: value === undefined ? 'missing' : 'string_type',
        loc: ['body', field],
        msg: value === undefined ? 'Field required' : 'Input should be a valid string',
        input: value === undefined ? body : value,
      },
    ],
  });
}

/** A passthrough body: a parsed JSON object, or none (no body, or one we cannot re-send). */
export function optionalRequestBody(body: unknown): Record<string, unknown> | undefined {
  return typeof body === 'object' && body !== null && !Array.isArray(body)
    ? (body as Record<string, unknown>)
    : undefined;
}
