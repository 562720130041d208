import { IsOptional, IsString, MaxLength } from 'class-validator';

/** POST /api/v1/auths/signup */
export class SignupDto {
  @IsString()
  @MaxLength(255)
  name: string;

  @IsString()
  @MaxLength(255)
  email: string;

  @IsString()
  password: string;

  /** Defaults to /user.png. May be a data: URL, so no length limit beyond the body limit. */
  @IsOptional()
  @IsString()
  profile_image_url?: string | null;
}
