import {
  Body,
  type Type,
  HttpStatus,
  UnprocessableEntityException,
  ValidationPipe,
  type ValidationError,
} from '@nestjs/common';

/** One entry of FastAPI's 422 body: `{"detail": [{type, loc, msg, input}]}`. */
export interface ValidationIssue {
  type: string;
  loc: (string | number)[];
  msg: string;
  input?: unknown;
}

const CONSTRAINT_TYPES: Record<string, string> = {
  isDefined: 'missing',
  isString: 'string_type',
  isBoolean: 'bool_type',
  isInt: 'int_type',
  isNumber: 'float_type',
  isObject: 'dict_type',
  isArray: 'list_type',
  isIn: 'literal_error',
  isEnum: 'enum',
  maxLength: 'string_too_long',
  minLength: 'string_too_short',
  whitelistValidation: 'extra_forbidden',
};

/** Flattens class-validator errors (nested too) into FastAPI's issue list. */
export function toValidationIssues(
  errors: ValidationError[],
  path: (string | number)[] = ['body'],
): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  for (const error of errors) {
    const loc = [...path, /^\d+$/.test(error.property) ? Number(error.property) : error.property];
    const constraints = error.constraints ?? {};
    const names = Object.keys(constraints);
    if (error.value === undefined && names.length > 0 && !names.includes('whitelistValidation')) {
      issues.push({ type: 'missing', loc, msg: 'Field required' });
    } else {
      for (const name of names) {
        issues.push({
          type: CONSTRAINT_TYPES[name] ?? 'value_error',
          loc,
          msg:
            name === 'whitelistValidation' ? 'Extra inputs are not permitted' : constraints[name],
          input: error.value,
        });
      }
    }
    if (error.children && error.children.length > 0)
      issues.push(...toValidationIssues(error.children, loc));
  }
  return issues;
}

/** The global pipe: strict DTO validation answered with FastAPI's 422 shape. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    errorHttpStatusCode: HttpStatus.UNPROCESSABLE_ENTITY,
    exceptionFactory: (errors) =>
      new UnprocessableEntityException({ detail: toValidationIssues(errors) }),
  });
}

/**
 * Validation that checks types like the global pipe (FastAPI's 422 shape) but drops unknown keys
 * instead of refusing them. Use it on a parameter typed with an interface or `Readonly<Dto>`
 * (no class metadata), so the strict global pipe passes the value through to this one.
 */
export function lenientValidationPipe(
  dto: Type<unknown>,
  location: 'body' | 'query',
): ValidationPipe {
  return new ValidationPipe({
    expectedType: dto,
    transform: true,
    whitelist: true,
    forbidNonWhitelisted: false,
    errorHttpStatusCode: HttpStatus.UNPROCESSABLE_ENTITY,
    exceptionFactory: (errors) =>
      new UnprocessableEntityException({ detail: toValidationIssues(errors, [location]) }),
  });
}

/** A query string checked against a DTO; unknown parameters are ignored, as FastAPI does. */
export function queryValidationPipe(dto: Type<unknown>): ValidationPipe {
  return lenientValidationPipe(dto, 'query');
}

/**
 * A body checked against a DTO with unknown keys dropped: for bodies the newest frontends grow
 * faster than this server (admin config, profile). Type the parameter as `Readonly<Dto>`.
 */
export function LenientBody(dto: Type<unknown>): ParameterDecorator {
  return Body(lenientValidationPipe(dto, 'body'));
}
