import { describe, expect, it } from 'vitest';
import { ConnectionSecretCipher } from './connection-secret.cipher.js';

describe('ConnectionSecretCipher', () => {
  it('round-trips and never shows the plain text', () => {
    const cipher = new ConnectionSecretCipher('server-secret');
    const sealed = cipher.encrypt('sk-very-secret');
    expect(sealed).not.toContain('sk-very-secret');
    expect(sealed.startsWith('v1.')).toBe(true);
    expect(cipher.decrypt(sealed)).toBe('sk-very-secret');
    expect(cipher.encrypt('sk-very-secret')).not.toBe(sealed);
  });

  it('refuses values sealed with another secret or tampered with', () => {
    const sealed = new ConnectionSecretCipher('one').encrypt('key');
    expect(() => new ConnectionSecretCipher('two').decrypt(sealed)).toThrow();
    const tampered = sealed.slice(0, -2) + (sealed.endsWith('A') ? 'BB' : 'AA');
    expect(() => new ConnectionSecretCipher('one').decrypt(tampered)).toThrow();
    expect(() => new ConnectionSecretCipher('one').decrypt('garbage')).toThrow();
  });
});
