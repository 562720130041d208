import { describe, expect, it } from 'vitest';
import { BadRequestError, ErrorMessages } from '@atrium/common';
import { loadConfig } from '@atrium/config';
import { PasswordPolicy } from './password-policy.js';

function policy(env: Record<string, string> = {}): PasswordPolicy {
  return new PasswordPolicy(
    loadConfig({ WEBUI_SECRET_KEY: 'k', DATA_DIR: '/tmp/atrium-policy-spec', ...env }),
  );
}

describe('PasswordPolicy', () => {
  it('refuses more than 72 bytes with 400 PASSWORD_TOO_LONG', () => {
    expect(() => policy().assertAcceptable('x'.repeat(72))).not.toThrow();
    const error = captured(() => policy().assertAcceptable('x'.repeat(73)));
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error?.message).toBe(ErrorMessages.PASSWORD_TOO_LONG);
  });

  it('accepts anything else when validation is off', () => {
    expect(() => policy().assertAcceptable('a')).not.toThrow();
  });

  it('applies the pattern when ENABLE_PASSWORD_VALIDATION is on, with the hint as message', () => {
    const strict = policy({ ENABLE_PASSWORD_VALIDATION: 'true' });
    expect(() => strict.assertAcceptable('Abcdef1!')).not.toThrow();
    expect(captured(() => strict.assertAcceptable('abcdefgh'))?.message).toBe(
      'The password does not meet the required validation criteria.',
    );
    const hinted = policy({
      ENABLE_PASSWORD_VALIDATION: 'true',
      PASSWORD_VALIDATION_HINT: 'Be stronger.',
    });
    expect(captured(() => hinted.assertAcceptable('weak'))?.message).toBe('Be stronger.');
    const custom = policy({
      ENABLE_PASSWORD_VALIDATION: 'true',
      PASSWORD_VALIDATION_REGEX_PATTERN: '^\\d{4}$',
    });
    expect(() => custom.assertAcceptable('1234')).not.toThrow();
    expect(() => custom.assertAcceptable('12345')).toThrow(BadRequestError);
  });
});

function captured(run: () => void): Error | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    return error as Error;
  }
}
