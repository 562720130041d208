import {
  HttpStatus,
  UnprocessableEntityException,
  ValidationPipe,
  type Type,
} from '@nestjs/common';
import { toValidationIssues } from '@atrium/common';

/**
 * Validates a route's query string against a DTO class. Unknown query parameters are ignored,
 * as FastAPI does (bodies stay strict through the global pipe). Use it on a parameter typed
 * with an interface, so the global pipe sees a plain object and leaves it to this one:
 *
 *   @Query(queryValidationPipe(UserListQueryDto)) query: UserListQuery
 */
export function queryValidationPipe(dto: Type<unknown>): ValidationPipe {
  return new ValidationPipe({
    expectedType: dto,
    transform: true,
    whitelist: true,
    forbidNonWhitelisted: false,
    errorHttpStatusCode: HttpStatus.UNPROCESSABLE_ENTITY,
    exceptionFactory: (errors) =>
      new UnprocessableEntityException({ detail: toValidationIssues(errors, ['query']) }),
  });
}
