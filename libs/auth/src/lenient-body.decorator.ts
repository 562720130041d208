import {
  Body,
  HttpStatus,
  UnprocessableEntityException,
  ValidationPipe,
  type Type,
} from '@nestjs/common';
import { toValidationIssues } from '@atrium/common';

/**
 * A request body validated against `dto` like everywhere else (types checked, FastAPI 422
 * shape) except that unknown keys are dropped instead of refused. For bodies the newest
 * frontends grow faster than this server (admin config, profile).
 *
 * Type the parameter as `Readonly<Dto>`: that emits no class metadata, so the strict global
 * pipe passes the body through and this pipe does the validating.
 */
export function LenientBody(dto: Type<unknown>): ParameterDecorator {
  return Body(
    new ValidationPipe({
      expectedType: dto,
      whitelist: true,
      forbidNonWhitelisted: false,
      transform: true,
      errorHttpStatusCode: HttpStatus.UNPROCESSABLE_ENTITY,
      exceptionFactory: (errors) =>
        new UnprocessableEntityException({ detail: toValidationIssues(errors) }),
    }),
  );
}
