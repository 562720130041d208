import type { EnvReader } from './env-reader.js';

/** Environment settings of the observability library (owned by its issue). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ObservabilityConfig {}

export function readObservabilityConfig(_reader: EnvReader): ObservabilityConfig {
  return {};
}
