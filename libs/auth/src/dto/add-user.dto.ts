import { IsIn, IsOptional } from 'class-validator';
import { USER_ROLES, type UserRole } from '@atrium/config';
import { SignupDto } from './signup.dto.js';

/** POST /api/v1/auths/add (admin): a signup with a chosen role, "pending" by default. */
export class AddUserDto extends SignupDto {
  @IsOptional()
  @IsIn(USER_ROLES)
  role?: UserRole | null;
}
