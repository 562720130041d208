import { describe, expect, it } from 'vitest';
import { isValidDuration, parseDurationSeconds } from './duration.js';

describe('JWT durations', () => {
  it.each([
    ['-1', null],
    ['0', null],
    ['30s', 30],
    ['15m', 900],
    ['2h', 7200],
    ['1d', 86400],
    ['4w', 2419200],
    ['1500ms', 1.5],
  ])('%s -> %s seconds', (value, seconds) => {
    expect(isValidDuration(value)).toBe(true);
    expect(parseDurationSeconds(value)).toBe(seconds);
  });

  it.each(['', '4 weeks', 'w', '-2', '1y', '10'])('rejects %j', (value) => {
    expect(isValidDuration(value)).toBe(false);
    expect(() => parseDurationSeconds(value)).toThrow();
  });
});
