import {
  HttpStatus,
  UnprocessableEntityException,
  ValidationPipe,
  type Type,
} from '@nestjs/common';
import { toValidationIssues } from '@atrium/common';

/** Validates a query string against a DTO class; unknown parameters are ignored (as FastAPI). */
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
