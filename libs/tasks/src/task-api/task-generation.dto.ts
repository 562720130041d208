import { IsArray, IsObject, IsOptional, IsString } from 'class-validator';

/**
 * POST /api/v1/tasks/{title,tags,follow_up}/completions: the chat's model and its messages
 * (`{role, content}`), optionally the chat id. Other keys the frontend sends are dropped.
 */
export class TaskGenerationDto {
  @IsString() model: string;
  @IsArray() @IsObject({ each: true }) messages: Record<string, unknown>[];
  @IsOptional() @IsString() chat_id?: string | null;
}
