import { Injectable } from '@nestjs/common';
import type { UserRecord } from '@atrium/users';
import { PermissionsService } from '@atrium/users';
import type { SessionResponse } from '../dto/session.response.js';
import { JwtService } from '../tokens/jwt.service.js';

/** Where the UI loads a user's avatar from (newer Open WebUI returns this, not the raw URL). */
export function profileImagePath(userId: string): string {
  return `/api/v1/users/${userId}/profile/image`;
}

/** Issues a session token for a user and builds Open WebUI's session answer around it. */
@Injectable()
export class SessionIssuer {
  constructor(
    private readonly jwt: JwtService,
    private readonly permissions: PermissionsService,
  ) {}

  async issue(user: UserRecord): Promise<SessionResponse> {
    const [issued, permissions] = await Promise.all([
      this.jwt.issue(user.id),
      this.permissions.getUserPermissions(user.id),
    ]);
    return {
      token: issued.token,
      token_type: 'Bearer',
      expires_at: issued.expiresAt,
      id: user.id,
      email: user.email,
      name: user.name,
      role: user.role,
      profile_image_url: profileImagePath(user.id),
      permissions,
    };
  }
}
