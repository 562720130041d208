import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';

/**
 * POST /api/v1/auths/update/profile. Fields left out keep their value (Open WebUI would clear
 * bio/gender/date_of_birth when an older frontend omits them); null clears them.
 */
export class UpdateProfileDto {
  @IsString()
  @MaxLength(255)
  name: string;

  @IsString()
  profile_image_url: string;

  @IsOptional()
  @IsString()
  bio?: string | null;

  @IsOptional()
  @IsString()
  @MaxLength(64)
  gender?: string | null;

  /** An ISO date (YYYY-MM-DD), as pydantic's `date` accepts. */
  @IsOptional()
  @IsString()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, {
    message: 'Input should be a valid date in the format YYYY-MM-DD',
  })
  date_of_birth?: string | null;
}
