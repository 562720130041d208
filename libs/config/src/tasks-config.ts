import type { EnvReader } from './env-reader.js';

/** Environment settings of chat task mode and background tasks (issue 5). */
export interface TasksConfig {
  /**
   * CHAT_RESPONSE_STREAM_DELTA_CHUNK_SIZE: upstream deltas gathered into one socket emit when
   * the request names no `stream_delta_chunk_size` (default 1: every delta is sent).
   */
  streamDeltaChunkSize: number;
}

export function readTasksConfig(reader: EnvReader): TasksConfig {
  return {
    streamDeltaChunkSize: reader.int('CHAT_RESPONSE_STREAM_DELTA_CHUNK_SIZE', 1, {
      min: 1,
      max: 10_000,
    }),
  };
}

/**
 * Run-time settings of the background tasks (admin-editable, env only seeds them), with
 * Open WebUI's dotted keys. An empty prompt template means Atrium's built-in default.
 */
export interface TasksPersistedSettings {
  /** TASK_MODEL: task model for chats on local (Ollama) models; empty = the chat's model. */
  'task.model.default': string;
  /** TASK_MODEL_EXTERNAL: task model for chats on external (OpenAI-compatible) models. */
  'task.model.external': string;
  'task.title.enable': boolean;
  'task.title.prompt_template': string;
  'task.tags.enable': boolean;
  'task.tags.prompt_template': string;
  'task.follow_up.enable': boolean;
  'task.follow_up.prompt_template': string;
  // Stored and answered by /api/v1/tasks/config for the admin UI; Atrium does not run these
  // tasks yet, so they take Open WebUI's defaults and are not seeded from the environment.
  'task.image.prompt_template': string;
  'task.autocomplete.enable': boolean;
  'task.autocomplete.input_max_length': number;
  'task.autocomplete.prompt_template': string;
  'task.document_suggestions.enable': boolean;
  'task.document_suggestions.prompt_template': string;
  'task.query.search.enable': boolean;
  'task.query.retrieval.enable': boolean;
  'task.query.prompt_template': string;
  'task.tools.prompt_template': string;
  'task.voice.prompt.enable': boolean;
  'task.voice.prompt_template': string;
}

export function readTasksSeeds(reader: EnvReader): TasksPersistedSettings {
  return {
    'task.model.default': reader.string('TASK_MODEL', ''),
    'task.model.external': reader.string('TASK_MODEL_EXTERNAL', ''),
    'task.title.enable': reader.bool('ENABLE_TITLE_GENERATION', true),
    'task.title.prompt_template': reader.string('TITLE_GENERATION_PROMPT_TEMPLATE', ''),
    'task.tags.enable': reader.bool('ENABLE_TAGS_GENERATION', true),
    'task.tags.prompt_template': reader.string('TAGS_GENERATION_PROMPT_TEMPLATE', ''),
    'task.follow_up.enable': reader.bool('ENABLE_FOLLOW_UP_GENERATION', true),
    'task.follow_up.prompt_template': reader.string('FOLLOW_UP_GENERATION_PROMPT_TEMPLATE', ''),
    'task.image.prompt_template': '',
    'task.autocomplete.enable': false,
    'task.autocomplete.input_max_length': -1,
    'task.autocomplete.prompt_template': '',
    'task.document_suggestions.enable': false,
    'task.document_suggestions.prompt_template': '',
    'task.query.search.enable': true,
    'task.query.retrieval.enable': true,
    'task.query.prompt_template': '',
    'task.tools.prompt_template': '',
    'task.voice.prompt.enable': true,
    'task.voice.prompt_template': '',
  };
}
