import { IsBoolean, IsNotEmpty, IsObject, IsOptional, IsString, MaxLength } from 'class-validator';

/** POST /api/v1/folders/ and /{id}/update (Open WebUI's FolderForm). */
export class FolderFormDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  name: string;

  @IsOptional()
  @IsObject()
  data?: Record<string, unknown> | null;

  @IsOptional()
  @IsObject()
  meta?: Record<string, unknown> | null;

  @IsOptional()
  @IsString()
  @MaxLength(255)
  parent_id?: string | null;
}

export class FolderParentDto {
  @IsOptional()
  @IsString()
  @MaxLength(255)
  parent_id?: string | null;
}

export class FolderExpandedDto {
  @IsBoolean()
  is_expanded: boolean;
}
