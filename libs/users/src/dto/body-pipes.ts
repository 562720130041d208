import { Injectable, UnprocessableEntityException, type PipeTransform } from '@nestjs/common';
import type { ValidationIssue } from '@atrium/common';
import type { PermissionTree } from '@atrium/config';

/**
 * Free-form JSON bodies (user settings, user info, permission trees) cannot be described by a
 * DTO class, so routes declare them as plain objects (the global ValidationPipe leaves those
 * alone) and check their shape with these pipes, answering FastAPI's 422 list.
 */

/** Accepts any JSON object; `objectFields` must be objects (or null) when present. */
@Injectable()
export class JsonObjectBodyPipe implements PipeTransform<unknown, Record<string, unknown>> {
  constructor(private readonly objectFields: string[] = []) {}

  transform(value: unknown): Record<string, unknown> {
    const body = requireObject(value);
    const issues: ValidationIssue[] = [];
    for (const field of this.objectFields) {
      const fieldValue = body[field];
      if (fieldValue !== undefined && fieldValue !== null && !isRecord(fieldValue)) {
        issues.push(dictIssue(['body', field], fieldValue));
      }
    }
    if (issues.length > 0) throw new UnprocessableEntityException({ detail: issues });
    return body;
  }
}

/** Accepts `{section: {flag: boolean}}`; every other shape is a 422 naming the bad entries. */
@Injectable()
export class PermissionTreeBodyPipe implements PipeTransform<unknown, PermissionTree> {
  transform(value: unknown): PermissionTree {
    const body = requireObject(value);
    const issues: ValidationIssue[] = [];
    for (const [section, flags] of Object.entries(body)) {
      if (!isRecord(flags)) {
        issues.push(dictIssue(['body', section], flags));
        continue;
      }
      for (const [key, flag] of Object.entries(flags)) {
        if (typeof flag !== 'boolean') {
          issues.push({
            type: 'bool_type',
            loc: ['body', section, key],
            msg: 'Input should be a valid boolean',
            input: flag,
          });
        }
      }
    }
    if (issues.length > 0) throw new UnprocessableEntityException({ detail: issues });
    return body as PermissionTree;
  }
}

function requireObject(value: unknown): Record<string, unknown> {
  if (value === undefined) {
    throw new UnprocessableEntityException({
      detail: [{ type: 'missing', loc: ['body'], msg: 'Field required' }],
    });
  }
  if (!isRecord(value))
    throw new UnprocessableEntityException({ detail: [dictIssue(['body'], value)] });
  return value;
}

function dictIssue(loc: (string | number)[], input: unknown): ValidationIssue {
  return { type: 'dict_type', loc, msg: 'Input should be a valid dictionary', input };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
