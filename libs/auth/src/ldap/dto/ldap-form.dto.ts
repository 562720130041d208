import { IsString } from 'class-validator';

/** POST /api/v1/auths/ldap */
export class LdapFormDto {
  @IsString()
  user: string;

  @IsString()
  password: string;
}
