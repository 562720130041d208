import { describe, expect, it } from 'vitest';
import { isEndpointAllowed, parseAllowedEndpoints } from './api-key-endpoint-restriction.js';

describe('API key endpoint restrictions', () => {
  const allowed = parseAllowedEndpoints(' /api/models , /api/chat/completions,,/api/v1/files/ ');

  it('parses the comma list, trimming blanks and trailing slashes', () => {
    expect(allowed).toEqual(['/api/models', '/api/chat/completions', '/api/v1/files']);
    expect(parseAllowedEndpoints('')).toEqual([]);
  });

  it.each([
    ['/api/models', true],
    ['/api/models/base', true],
    ['/api/chat/completions', true],
    ['/api/v1/files', true],
    ['/api/v1/files/abc/content', true],
    ['/api/modelsfoo', false],
    ['/api/model', false],
    ['/api/chat', false],
    ['/api/v1/auths/', false],
    ['/', false],
  ])('%s -> %s', (path, expected) => {
    expect(isEndpointAllowed(path, allowed)).toBe(expected);
  });

  it('allows nothing when the list is empty', () => {
    expect(isEndpointAllowed('/api/models', [])).toBe(false);
  });
});
