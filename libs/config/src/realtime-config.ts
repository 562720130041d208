import type { EnvReader } from './env-reader.js';

/** Environment settings of the socket.io gateway (issue 5). Owner: the realtime helper. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface RealtimeConfig {}

export function readRealtimeConfig(_reader: EnvReader): RealtimeConfig {
  return {};
}
