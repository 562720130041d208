/**
 * Open WebUI's duration strings (JWT_EXPIRES_IN): "-1" or "0" mean no expiry,
 * otherwise a number followed by ms, s, m, h, d or w.
 */
const DURATION_PATTERN = /^(-1|0|(\d+(?:\.\d+)?)(ms|s|m|h|d|w))$/;

const UNIT_SECONDS: Record<string, number> = {
  ms: 0.001,
  s: 1,
  m: 60,
  h: 3600,
  d: 86400,
  w: 604800,
};

export function isValidDuration(value: string): boolean {
  return DURATION_PATTERN.test(value.trim());
}

/** Seconds for a duration string, or null for "no expiry". Throws on an invalid string. */
export function parseDurationSeconds(value: string): number | null {
  const match = DURATION_PATTERN.exec(value.trim());
  if (!match) throw new Error(`invalid duration "${value}"`);
  if (match[1] === '-1' || match[1] === '0') return null;
  return Number(match[2]) * UNIT_SECONDS[match[3]];
}
