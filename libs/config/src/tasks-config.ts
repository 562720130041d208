import type { EnvReader } from './env-reader.js';

/** Environment settings of chat task mode and background tasks (issue 5). Owner: the tasks helper. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface TasksConfig {}

export function readTasksConfig(_reader: EnvReader): TasksConfig {
  return {};
}

/** Run-time settings (admin-editable, env only seeds them): dotted keys as in Open WebUI. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface TasksPersistedSettings {}

export function readTasksSeeds(_reader: EnvReader): TasksPersistedSettings {
  return {};
}
