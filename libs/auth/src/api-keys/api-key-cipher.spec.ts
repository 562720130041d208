import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ApiKeyCipher, generateApiKey, hashApiKey, isApiKeyFormat } from './api-key-cipher.js';

describe('API key format', () => {
  it('is sk- followed by 32 lowercase hex characters, different every time', () => {
    const keys = new Set(Array.from({ length: 50 }, () => generateApiKey()));
    expect(keys.size).toBe(50);
    for (const key of keys) {
      expect(key).toMatch(/^sk-[0-9a-f]{32}$/);
      expect(isApiKeyFormat(key)).toBe(true);
    }
    for (const bad of [
      'sk-',
      'sk-XYZ',
      `sk-${'a'.repeat(31)}`,
      `sk-${'A'.repeat(32)}`,
      `pk-${'a'.repeat(32)}`,
    ]) {
      expect(isApiKeyFormat(bad)).toBe(false);
    }
  });

  it('is looked up by its SHA-256 hex digest', () => {
    const key = generateApiKey();
    expect(hashApiKey(key)).toBe(createHash('sha256').update(key).digest('hex'));
    expect(hashApiKey(key)).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('ApiKeyCipher', () => {
  const cipher = new ApiKeyCipher('the-webui-secret');

  it('round-trips a key for its owner', () => {
    const key = generateApiKey();
    const stored = cipher.encrypt(key, 'user-1');
    expect(stored).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(stored).not.toContain(key);
    expect(cipher.decrypt(stored, 'user-1')).toBe(key);
  });

  it('uses a fresh IV each time', () => {
    const key = generateApiKey();
    expect(cipher.encrypt(key, 'user-1')).not.toBe(cipher.encrypt(key, 'user-1'));
  });

  it('refuses another user, another secret, tampering and junk', () => {
    const stored = cipher.encrypt(generateApiKey(), 'user-1');
    expect(cipher.decrypt(stored, 'user-2')).toBeNull();
    expect(new ApiKeyCipher('another-secret').decrypt(stored, 'user-1')).toBeNull();
    const [version, iv, body, tag] = stored.split('.');
    const flipped = Buffer.from(body, 'base64url');
    flipped[0] ^= 1;
    expect(
      cipher.decrypt([version, iv, flipped.toString('base64url'), tag].join('.'), 'user-1'),
    ).toBeNull();
    for (const junk of ['', 'v1', 'v2.a.b.c', 'v1.a.b', `${stored}.extra`, 'sk-plain']) {
      expect(cipher.decrypt(junk, 'user-1')).toBeNull();
    }
  });
});
