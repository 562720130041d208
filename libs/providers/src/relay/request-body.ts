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
