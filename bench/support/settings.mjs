// Benchmark settings read from the environment.

/**
 * A positive integer from environment variable `name`, or `fallback` when it is unset or empty;
 * any other value stops the benchmark (a typo should not silently measure something else).
 */
export function positiveIntegerSetting(name, fallback) {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(`${name} must be a positive integer, got ${text}`);
  }
  return value;
}
