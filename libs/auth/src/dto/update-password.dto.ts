import { IsString } from 'class-validator';

/** POST /api/v1/auths/update/password */
export class UpdatePasswordDto {
  @IsString()
  password: string;

  @IsString()
  new_password: string;
}
