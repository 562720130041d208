import { describe, expect, it } from 'vitest';
import { isValidEmail, normalizeEmail } from './email-address.js';

describe('email addresses', () => {
  it('are trimmed and lowercased', () => {
    expect(normalizeEmail('  Jane.Doe@Example.COM \n')).toBe('jane.doe@example.com');
  });

  it.each(['a@b.co', 'first.last+tag@sub.example.org', 'admin@localhost', 'x@y.z'])(
    'accepts %s',
    (email) => {
      expect(isValidEmail(email)).toBe(true);
    },
  );

  it.each(['', 'plain', 'a@b', '@b.co', 'a@.', 'a b@c.de', 'a@b.c@d', 'a@@b.co'])(
    'refuses %j',
    (email) => {
      expect(isValidEmail(email)).toBe(false);
    },
  );
});
