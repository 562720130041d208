/**
 * Reads a claim by name or dotted path: `realm_access.roles` walks nested objects. A claim whose
 * own name contains dots (namespaced claims such as `https://example.com/roles`) is found by its
 * exact name first, which Open WebUI's plain split would miss.
 */
export function readClaim(claims: Record<string, unknown>, path: string): unknown {
  if (!path) return undefined;
  if (Object.hasOwn(claims, path)) return claims[path];
  let current: unknown = claims;
  for (const segment of path.split('.')) {
    if (current === null || typeof current !== 'object' || Array.isArray(current)) return undefined;
    const record = current as Record<string, unknown>;
    if (!Object.hasOwn(record, segment)) return undefined;
    current = record[segment];
  }
  return current;
}

/**
 * A claim value as a list of names: arrays keep their string/number items, a single string or
 * number becomes a one-item list. Undefined when the claim is absent or of another shape.
 */
export function claimAsList(value: unknown): string[] | undefined {
  if (Array.isArray(value)) {
    return value
      .filter((item) => typeof item === 'string' || typeof item === 'number')
      .map((item) => String(item));
  }
  if (typeof value === 'string' || typeof value === 'number') return [String(value)];
  return undefined;
}

/** A claim as a non-empty string, or undefined. */
export function claimAsString(value: unknown): string | undefined {
  if (typeof value === 'number') return String(value);
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}
