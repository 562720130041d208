import type { EnvReader } from './env-reader.js';

/** Environment settings of the providers library (owned by its issue). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ProvidersConfig {}

export function readProvidersConfig(_reader: EnvReader): ProvidersConfig {
  return {};
}
