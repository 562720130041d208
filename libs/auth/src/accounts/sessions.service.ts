import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  BadRequestError,
  ErrorMessages,
  ForbiddenError,
  type AuthenticatedUser,
} from '@atrium/common';
import { APP_CONFIG, type AppConfig } from '@atrium/config';
import { PermissionsService, UsersService, type UserRecord } from '@atrium/users';
import { InvalidSessionError, SigninRateLimitedError } from '../auth.errors.js';
import type { SigninDto } from '../dto/signin.dto.js';
import type {
  SessionResponse,
  SessionUserInfoResponse,
  SignoutResponse,
} from '../dto/session.response.js';
import { CredentialsRepository } from '../passwords/credentials.repository.js';
import { PasswordHasher, truncateToBcryptLimit } from '../passwords/password-hasher.js';
import { SigninRateLimiter } from '../rate-limit/signin-rate-limiter.js';
import { JwtService } from '../tokens/jwt.service.js';
import { TokenRevocationService } from '../tokens/token-revocation.service.js';
import { AccountsService } from './accounts.service.js';
import { normalizeEmail } from './email-address.js';
import { SessionIssuer } from './session-issuer.js';

/** WEBUI_AUTH=false: the single account everyone is signed in as (Open WebUI's values). */
export const NO_AUTH_ADMIN = { email: 'admin@localhost', password: 'admin', name: 'User' } as const;

/** Signing in and out, and the session the UI loads on every page. */
@Injectable()
export class SessionsService {
  private readonly logger = new Logger('Sessions');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly users: UsersService,
    private readonly credentials: CredentialsRepository,
    private readonly hasher: PasswordHasher,
    private readonly rateLimiter: SigninRateLimiter,
    private readonly accounts: AccountsService,
    private readonly issuer: SessionIssuer,
    private readonly jwt: JwtService,
    private readonly revocations: TokenRevocationService,
    private readonly permissions: PermissionsService,
  ) {}

  /**
   * POST /signin. 403 when ENABLE_PASSWORD_AUTH is off; with WEBUI_AUTH=false, signs in (and on
   * a fresh install creates) admin@localhost whatever was sent; otherwise 15 attempts per
   * 3 minutes per email (429), then email + password (400 when wrong).
   */
  async signin(form: SigninDto): Promise<SessionResponse> {
    if (!this.config.auth.enablePasswordAuth)
      throw new ForbiddenError(ErrorMessages.ACTION_PROHIBITED);
    const user = this.config.auth.webuiAuth
      ? await this.passwordSignin(form)
      : await this.noAuthSignin();
    return this.issuer.issue(user);
  }

  /** GET /: the caller's session, with the same token (any role, pending included). */
  async currentSession(caller: AuthenticatedUser): Promise<SessionUserInfoResponse> {
    const [user, claims, permissions] = await Promise.all([
      this.users.findById(caller.id),
      caller.authType === 'jwt' ? this.jwt.verify(caller.credential) : Promise.resolve(null),
      this.permissions.getUserPermissions(caller.id),
    ]);
    if (!user) throw new InvalidSessionError();
    const status = user as UserRecord & Partial<UserStatusFields>;
    return {
      token: caller.credential,
      token_type: 'Bearer',
      expires_at: claims?.expiresAt ?? null,
      id: user.id,
      email: user.email,
      name: user.name,
      role: user.role,
      profile_image_url: user.profileImageUrl,
      bio: user.bio,
      gender: user.gender,
      date_of_birth: user.dateOfBirth,
      status_emoji: status.statusEmoji ?? null,
      status_message: status.statusMessage ?? null,
      status_expires_at: status.statusExpiresAt ?? null,
      permissions,
    };
  }

  /**
   * GET|POST /signout: revokes the presented token (when it is one of ours) until it would have
   * expired, on every instance. Works with a stale or missing token too.
   */
  async signout(token: string | undefined): Promise<SignoutResponse> {
    if (token) {
      const claims = await this.jwt.verify(token);
      if (claims) await this.revocations.revoke(token, claims.expiresAt);
    }
    const redirectUrl = this.config.auth.signoutRedirectUrl;
    return redirectUrl ? { status: true, redirect_url: redirectUrl } : { status: true };
  }

  private async passwordSignin(form: SigninDto): Promise<UserRecord> {
    const email = normalizeEmail(form.email);
    const decision = await this.rateLimiter.hit(email);
    if (decision.limited) throw new SigninRateLimitedError(decision.retryAfterSeconds);
    // bcrypt reads 72 bytes; cut the same way upstream does so its hashes keep verifying.
    const password = truncateToBcryptLimit(form.password);
    const user = await this.users.findByEmail(email);
    const credential = user ? await this.credentials.findByUserId(user.id) : null;
    if (!user || !credential || !credential.active) {
      await this.hasher.burnVerification(password);
      throw new BadRequestError(ErrorMessages.INVALID_CRED);
    }
    if (!(await this.hasher.verify(password, credential.passwordHash))) {
      throw new BadRequestError(ErrorMessages.INVALID_CRED);
    }
    return user;
  }

  private async noAuthSignin(): Promise<UserRecord> {
    let user = await this.users.findByEmail(NO_AUTH_ADMIN.email);
    if (!user) {
      if ((await this.users.count()) > 0) throw new BadRequestError(ErrorMessages.EXISTING_USERS);
      user =
        (await this.accounts.createAccount({
          email: NO_AUTH_ADMIN.email,
          password: NO_AUTH_ADMIN.password,
          name: NO_AUTH_ADMIN.name,
          onlyIfNoUsers: true,
        })) ?? (await this.users.findByEmail(NO_AUTH_ADMIN.email));
      if (!user) throw new BadRequestError(ErrorMessages.EXISTING_USERS);
      this.logger.log('WEBUI_AUTH=false: created the single admin@localhost account');
    }
    const credential = await this.credentials.findByUserId(user.id);
    if (
      !credential?.active ||
      !(await this.hasher.verify(NO_AUTH_ADMIN.password, credential.passwordHash))
    ) {
      throw new BadRequestError(ErrorMessages.INVALID_CRED);
    }
    return user;
  }
}

/** Newer Open WebUI user status fields; read when the users library provides them. */
interface UserStatusFields {
  statusEmoji: string | null;
  statusMessage: string | null;
  statusExpiresAt: number | null;
}
