import { IsArray, IsBoolean, IsObject, IsOptional, IsString } from 'class-validator';
import type { ConnectionSettings } from '@atrium/config';

/** POST /ollama/config/update (Open WebUI's OllamaConfigForm). */
export class OllamaConfigDto {
  @IsOptional() @IsBoolean() ENABLE_OLLAMA_API?: boolean;
  @IsArray() @IsString({ each: true }) OLLAMA_BASE_URLS: string[];
  @IsOptional() @IsObject() OLLAMA_API_CONFIGS?: Record<string, ConnectionSettings>;
}

/** POST /openai/config/update (Open WebUI's OpenAIConfigForm). */
export class OpenAIConfigDto {
  @IsOptional() @IsBoolean() ENABLE_OPENAI_API?: boolean;
  @IsArray() @IsString({ each: true }) OPENAI_API_BASE_URLS: string[];
  @IsOptional() @IsArray() @IsString({ each: true }) OPENAI_API_KEYS?: string[];
  @IsOptional() @IsObject() OPENAI_API_CONFIGS?: Record<string, ConnectionSettings>;
}

/** POST /ollama/verify. */
export class OllamaVerifyDto {
  @IsString() url: string;
  @IsOptional() @IsString() key?: string;
}

/** POST /openai/verify. */
export class OpenAIVerifyDto {
  @IsString() url: string;
  @IsString() key: string;
  @IsOptional() @IsObject() config?: ConnectionSettings;
}

export interface OllamaConfigResponse {
  ENABLE_OLLAMA_API: boolean;
  OLLAMA_BASE_URLS: string[];
  OLLAMA_API_CONFIGS: Record<string, ConnectionSettings>;
}

export interface OpenAIConfigResponse {
  ENABLE_OPENAI_API: boolean;
  OPENAI_API_BASE_URLS: string[];
  OPENAI_API_KEYS: string[];
  OPENAI_API_CONFIGS: Record<string, ConnectionSettings>;
}
