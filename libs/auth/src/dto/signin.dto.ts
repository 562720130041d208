import { IsString } from 'class-validator';

/** POST /api/v1/auths/signin */
export class SigninDto {
  @IsString()
  email: string;

  @IsString()
  password: string;
}
