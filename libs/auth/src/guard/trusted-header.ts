import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  BadRequestError,
  ErrorMessages,
  UnauthorizedError,
  type AuthenticatedUser,
  type Role,
} from '@atrium/common';
import { APP_CONFIG, USER_ROLES, type AppConfig, type TrustedHeadersConfig } from '@atrium/config';
import { DirectoryGroupSync, UsersService, type UserRecord } from '@atrium/users';
import type { Request, Response } from 'express';
import { AccountsService } from '../accounts/accounts.service.js';
import { isValidEmail, normalizeEmail } from '../accounts/email-address.js';
import { SessionIssuer } from '../accounts/session-issuer.js';
import type { SessionResponse } from '../dto/session.response.js';
import { SESSION_COOKIE } from './presented-credential.js';

/** Open WebUI's details for trusted-header failures. */
export const TrustedHeaderMessages = {
  MISSING: 'Invalid trusted header configuration.',
  MISMATCH: 'User mismatch. Please sign in again.',
} as const;

/** The identity a trusted reverse proxy asserts on a request. */
export interface TrustedIdentity {
  email: string;
  name: string;
  /** Undefined when no groups header is configured or sent. */
  groups?: string[];
  /** Undefined when no role header is configured, sent, or the value is not a role. */
  role?: Role;
}

function headerValue(
  request: Pick<Request, 'headers'>,
  name: string | undefined,
): string | undefined {
  if (!name) return undefined;
  const value = request.headers[name];
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  return text ? text : undefined;
}

/** Reads the proxy's headers; undefined when the email header is absent. */
export function readTrustedIdentity(
  request: Request,
  config: TrustedHeadersConfig,
): TrustedIdentity | undefined {
  const rawEmail = headerValue(request, config.emailHeader);
  if (!rawEmail) return undefined;
  const email = normalizeEmail(rawEmail);
  const groupsText = headerValue(request, config.groupsHeader);
  const roleText = headerValue(request, config.roleHeader)?.toLowerCase();
  return {
    email,
    name: headerValue(request, config.nameHeader) ?? email,
    groups: groupsText
      ?.split(',')
      .map((name) => name.trim())
      .filter((name) => name.length > 0),
    role: USER_ROLES.find((role) => role === roleText),
  };
}

/**
 * The rule shared by the HTTP guard and the socket.io handshake: false when trusted headers are
 * on and a session token's user is not the one the proxy's email header names.
 */
export function trustedHeaderAllows(
  headers: IncomingHttpHeaders,
  config: TrustedHeadersConfig,
  caller: Pick<AuthenticatedUser, 'authType' | 'email'>,
): boolean {
  if (!config.emailHeader || caller.authType !== 'jwt') return true;
  const asserted = headerValue({ headers }, config.emailHeader);
  return !asserted || normalizeEmail(asserted) === caller.email.toLowerCase();
}

/**
 * The per-request half (used by the auth guard): with WEBUI_AUTH_TRUSTED_EMAIL_HEADER set, a
 * session token whose user is not the one the proxy names gets 401 and its cookies cleared,
 * as Open WebUI's get_current_user does. API keys are not tied to the proxy user.
 */
export class TrustedHeaderCheck {
  /** Tolerates a config without the section (unit tests build partial configs). */
  constructor(private readonly config: TrustedHeadersConfig = {}) {}

  verify(request: Request, response: Response, caller: AuthenticatedUser): void {
    if (trustedHeaderAllows(request.headers, this.config, caller)) return;
    response.clearCookie(SESSION_COOKIE, { path: '/' });
    response.clearCookie('oauth_id_token', { path: '/' });
    throw new UnauthorizedError(TrustedHeaderMessages.MISMATCH);
  }
}

/**
 * The sign-in half: POST /signin from behind a trusted proxy signs in (creating on first
 * sight) the user the headers name, sets their role from the role header and their groups
 * from the groups header (DirectoryGroupSync; like Open WebUI, admins' groups and an empty
 * header are left alone). New users are created whatever ENABLE_SIGNUP says: the proxy is the
 * gatekeeper. Undefined when trusted headers are off (the caller falls back to the password).
 */
@Injectable()
export class TrustedHeaderSignin {
  private readonly logger = new Logger('TrustedHeaderSignin');
  private readonly trusted: TrustedHeadersConfig;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly users: UsersService,
    private readonly accounts: AccountsService,
    private readonly groupSync: DirectoryGroupSync,
    private readonly issuer: SessionIssuer,
  ) {
    this.trusted = config.trustedHeaders;
  }

  get enabled(): boolean {
    return Boolean(this.trusted.emailHeader);
  }

  /** Password changes make no sense when the proxy authenticates (Open WebUI: 400). */
  assertPasswordChangeAllowed(): void {
    if (this.enabled) throw new BadRequestError(ErrorMessages.ACTION_PROHIBITED);
  }

  async signin(request: Request): Promise<SessionResponse | undefined> {
    if (!this.enabled) return undefined;
    const identity = readTrustedIdentity(request, this.trusted);
    if (!identity) {
      this.logger.warn(`sign-in without the trusted header ${this.trusted.emailHeader} refused`);
      throw new BadRequestError(TrustedHeaderMessages.MISSING);
    }
    if (!isValidEmail(identity.email))
      throw new BadRequestError(ErrorMessages.INVALID_EMAIL_FORMAT);
    let user = await this.findOrCreate(identity);
    if (identity.role && identity.role !== user.role)
      user = await this.applyRole(user, identity.role);
    if (identity.groups && identity.groups.length > 0 && user.role !== 'admin') {
      await this.groupSync.syncUserGroups(user.id, identity.groups, {
        createMissing: false,
        source: 'header',
      });
    }
    return this.issuer.issue(user);
  }

  private async findOrCreate(identity: TrustedIdentity): Promise<UserRecord> {
    const existing = await this.users.findByEmail(identity.email);
    if (existing) return existing;
    const created = await this.accounts.createAccount({
      email: identity.email,
      password: randomUUID(),
      name: identity.name,
    });
    this.logger.log(`created user ${created!.email} (${created!.role}) from trusted headers`);
    return created!;
  }

  /** The primary admin keeps admin whatever the proxy says (it can never be demoted). */
  private async applyRole(user: UserRecord, role: Role): Promise<UserRecord> {
    const primary = await this.users.findPrimaryAdmin();
    if (primary?.id === user.id && role !== 'admin') {
      this.logger.warn(`role header asks ${role} for the primary admin ${user.email}; kept admin`);
      return user;
    }
    this.logger.log(`role of ${user.email} set from ${user.role} to ${role} by the role header`);
    return this.users.update(user.id, { role });
  }
}
