import { IsBoolean, IsInt, IsOptional, IsString } from 'class-validator';
import type { PersistedSettingKey } from '@atrium/config';

/**
 * Open WebUI's upper-case task config fields and the persisted setting behind each
 * (routers/tasks.py TASK_CONFIG_KEYS).
 */
export const TASK_CONFIG_FIELDS = {
  TASK_MODEL: 'task.model.default',
  TASK_MODEL_EXTERNAL: 'task.model.external',
  ENABLE_TITLE_GENERATION: 'task.title.enable',
  TITLE_GENERATION_PROMPT_TEMPLATE: 'task.title.prompt_template',
  IMAGE_PROMPT_GENERATION_PROMPT_TEMPLATE: 'task.image.prompt_template',
  ENABLE_AUTOCOMPLETE_GENERATION: 'task.autocomplete.enable',
  AUTOCOMPLETE_GENERATION_INPUT_MAX_LENGTH: 'task.autocomplete.input_max_length',
  AUTOCOMPLETE_GENERATION_PROMPT_TEMPLATE: 'task.autocomplete.prompt_template',
  TAGS_GENERATION_PROMPT_TEMPLATE: 'task.tags.prompt_template',
  FOLLOW_UP_GENERATION_PROMPT_TEMPLATE: 'task.follow_up.prompt_template',
  ENABLE_FOLLOW_UP_GENERATION: 'task.follow_up.enable',
  ENABLE_DOCUMENT_SUGGESTIONS: 'task.document_suggestions.enable',
  DOCUMENT_SUGGESTIONS_PROMPT_TEMPLATE: 'task.document_suggestions.prompt_template',
  ENABLE_TAGS_GENERATION: 'task.tags.enable',
  ENABLE_SEARCH_QUERY_GENERATION: 'task.query.search.enable',
  ENABLE_RETRIEVAL_QUERY_GENERATION: 'task.query.retrieval.enable',
  QUERY_GENERATION_PROMPT_TEMPLATE: 'task.query.prompt_template',
  TOOLS_FUNCTION_CALLING_PROMPT_TEMPLATE: 'task.tools.prompt_template',
  ENABLE_VOICE_MODE_PROMPT: 'task.voice.prompt.enable',
  VOICE_MODE_PROMPT_TEMPLATE: 'task.voice.prompt_template',
} as const satisfies Record<string, PersistedSettingKey>;

export type TaskConfigField = keyof typeof TASK_CONFIG_FIELDS;
export type TaskConfigResponse = Record<TaskConfigField, string | boolean | number>;

/**
 * POST /api/v1/tasks/config/update. Types are checked (422); a missing key keeps its value and
 * unknown keys are dropped (frontends of other versions send more or fewer keys). Nullable
 * strings (TASK_MODEL, TASK_MODEL_EXTERNAL, VOICE_MODE_PROMPT_TEMPLATE) store null as "".
 */
export class TaskConfigDto {
  @IsOptional() @IsString() TASK_MODEL?: string | null;
  @IsOptional() @IsString() TASK_MODEL_EXTERNAL?: string | null;
  @IsOptional() @IsBoolean() ENABLE_TITLE_GENERATION?: boolean;
  @IsOptional() @IsString() TITLE_GENERATION_PROMPT_TEMPLATE?: string;
  @IsOptional() @IsString() IMAGE_PROMPT_GENERATION_PROMPT_TEMPLATE?: string;
  @IsOptional() @IsBoolean() ENABLE_AUTOCOMPLETE_GENERATION?: boolean;
  @IsOptional() @IsInt() AUTOCOMPLETE_GENERATION_INPUT_MAX_LENGTH?: number;
  @IsOptional() @IsString() AUTOCOMPLETE_GENERATION_PROMPT_TEMPLATE?: string;
  @IsOptional() @IsString() TAGS_GENERATION_PROMPT_TEMPLATE?: string;
  @IsOptional() @IsString() FOLLOW_UP_GENERATION_PROMPT_TEMPLATE?: string;
  @IsOptional() @IsBoolean() ENABLE_FOLLOW_UP_GENERATION?: boolean;
  @IsOptional() @IsBoolean() ENABLE_DOCUMENT_SUGGESTIONS?: boolean;
  @IsOptional() @IsString() DOCUMENT_SUGGESTIONS_PROMPT_TEMPLATE?: string;
  @IsOptional() @IsBoolean() ENABLE_TAGS_GENERATION?: boolean;
  @IsOptional() @IsBoolean() ENABLE_SEARCH_QUERY_GENERATION?: boolean;
  @IsOptional() @IsBoolean() ENABLE_RETRIEVAL_QUERY_GENERATION?: boolean;
  @IsOptional() @IsString() QUERY_GENERATION_PROMPT_TEMPLATE?: string;
  @IsOptional() @IsString() TOOLS_FUNCTION_CALLING_PROMPT_TEMPLATE?: string;
  @IsOptional() @IsBoolean() ENABLE_VOICE_MODE_PROMPT?: boolean;
  @IsOptional() @IsString() VOICE_MODE_PROMPT_TEMPLATE?: string | null;
}
