/**
 * Reads raw environment strings into typed values while collecting every problem,
 * so start-up can report all invalid variables at once instead of failing on the first.
 */
export type Env = Record<string, string | undefined>;

const TRUE_VALUES = new Set(['true', '1', 'yes', 'on']);
const FALSE_VALUES = new Set(['false', '0', 'no', 'off']);

export class EnvReader {
  readonly problems: string[] = [];

  constructor(private readonly env: Env) {}

  /** The trimmed value, or undefined when unset or empty. */
  raw(name: string): string | undefined {
    const value = this.env[name];
    if (value === undefined) return undefined;
    const trimmed = value.trim();
    return trimmed === '' ? undefined : trimmed;
  }

  /** The first of several names (current name first, legacy aliases after) that is set. */
  firstOf(...names: string[]): string | undefined {
    for (const name of names) {
      const value = this.raw(name);
      if (value !== undefined) return value;
    }
    return undefined;
  }

  string(name: string, fallback: string): string {
    return this.raw(name) ?? fallback;
  }

  optionalString(name: string): string | undefined {
    return this.raw(name);
  }

  bool(name: string, fallback: boolean): boolean {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const lowered = value.toLowerCase();
    if (TRUE_VALUES.has(lowered)) return true;
    if (FALSE_VALUES.has(lowered)) return false;
    this.problems.push(`${name}: expected a boolean (true/false), got "${value}"`);
    return fallback;
  }

  int(name: string, fallback: number, range: { min?: number; max?: number } = {}): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (!/^-?\d+$/.test(value)) {
      this.problems.push(`${name}: expected an integer, got "${value}"`);
      return fallback;
    }
    const parsed = Number(value);
    if (
      (range.min !== undefined && parsed < range.min) ||
      (range.max !== undefined && parsed > range.max)
    ) {
      this.problems.push(
        `${name}: ${parsed} is out of range [${range.min ?? '-inf'}, ${range.max ?? 'inf'}]`,
      );
      return fallback;
    }
    return parsed;
  }

  optionalInt(name: string, range: { min?: number; max?: number } = {}): number | undefined {
    if (this.raw(name) === undefined) return undefined;
    return this.int(name, 0, range);
  }

  oneOf<T extends string>(
    name: string,
    allowed: readonly T[],
    fallback: T,
    caseInsensitive = true,
  ): T {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const candidate = caseInsensitive ? value.toLowerCase() : value;
    const match = allowed.find((option) =>
      caseInsensitive ? option.toLowerCase() === candidate : option === candidate,
    );
    if (match === undefined) {
      this.problems.push(`${name}: expected one of ${allowed.join(', ')}, got "${value}"`);
      return fallback;
    }
    return match;
  }

  /** A list split on the given separator; empty items dropped. */
  list(name: string, separator: string | RegExp, fallback: string[] = []): string[] {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    return value
      .split(separator)
      .map((item) => item.trim())
      .filter((item) => item.length > 0);
  }

  /** Runs a custom check; the message names the variable. */
  check(name: string, valid: boolean, message: string): void {
    if (!valid) this.problems.push(`${name}: ${message}`);
  }
}
