import { describe, expect, it } from 'vitest';
import {
  isSecretKey,
  maskKnownValues,
  maskSecrets,
  maskSecretText,
  maskUrl,
  secretValuesOf,
} from './secret-masking.js';

describe('secret masking', () => {
  it('recognises secret field names, not look-alikes', () => {
    for (const key of ['password', 'new_password', 'token', 'api_key', 'apiKey', 'x-api-key'])
      expect(isSecretKey(key)).toBe(true);
    for (const key of ['Authorization', 'client_secret', 'OPENAI_API_KEYS', 'refreshToken'])
      expect(isSecretKey(key)).toBe(true);
    for (const key of ['max_tokens', 'token_type', 'email', 'name', 'keywords'])
      expect(isSecretKey(key)).toBe(false);
  });

  it('masks parsed bodies deeply, and credentials by value', () => {
    expect(
      maskSecrets({
        email: 'a@b.c',
        password: 'p',
        items: [{ api_key: 'sk-1' }, 'Bearer eyJhbGciOi.abc.def'],
        max_tokens: 10,
        note: 'use sk-abcdefgh123 here',
      }),
    ).toEqual({
      email: 'a@b.c',
      password: '********',
      items: [{ api_key: '********' }, 'Bearer ********'],
      max_tokens: 10,
      note: 'use ******** here',
    });
  });

  it('masks raw and truncated JSON text', () => {
    expect(maskSecretText('{"token":"eyJx.y.z","token_type":"Bearer"}')).toBe(
      '{"token":"********","token_type":"Bearer"}',
    );
    expect(maskSecretText('{"a":1,"password": "half-writ')).toBe('{"a":1,"password": "********');
  });

  it('masks form bodies and query strings', () => {
    expect(maskSecretText('user=a&password=b%20c&api_key=k')).toBe(
      'user=a&password=********&api_key=********',
    );
    expect(maskUrl('http://h/x?token=abc&page=2&Authorization=Bearer%20x')).toBe(
      'http://h/x?token=********&page=2&Authorization=********',
    );
    expect(maskUrl('http://h/api/v1/auths/signin')).toBe('http://h/api/v1/auths/signin');
  });

  it('masks secret values wherever a response echoes them', () => {
    const secrets = secretValuesOf({ password: 'hunter22', nested: { token: 'q"uote' } });
    expect([...secrets]).toEqual(['hunter22', 'q"uote']);
    expect(maskKnownValues('{"input":"hunter22","b":"q\\"uote"}', secrets)).toBe(
      '{"input":"********","b":"********"}',
    );
  });
});
