import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { ErrorMessages, ForbiddenError } from '@atrium/common';
import { APP_CONFIG, type AppConfig } from '@atrium/config';
import { DirectoryGroupSync, UsersService, type UserRecord } from '@atrium/users';
import { AccountsService } from '../accounts/accounts.service.js';
import { isValidEmail } from '../accounts/email-address.js';
import { SessionIssuer } from '../accounts/session-issuer.js';
import { SigninRateLimitedError } from '../auth.errors.js';
import type { SessionResponse } from '../dto/session.response.js';
import { SigninRateLimiter } from '../rate-limit/signin-rate-limiter.js';
import {
  DirectoryBindRefusedError,
  DirectoryTlsConfigError,
  DirectoryUnavailableError,
  LdapDirectoryClient,
  type DirectoryConnection,
  type DirectoryEntry,
} from './ldap-directory.client.js';
import { LdapMessages, LdapSigninRefusedError, LdapUnavailableError } from './ldap-errors.js';
import { userSearchFilter } from './ldap-filter.js';
import { LdapGroupResolver } from './ldap-group-resolver.js';
import { LdapSettings, type LdapSigninSettings } from './ldap-settings.js';

/** What the directory says about the person signing in. */
interface DirectoryIdentity {
  username: string;
  email: string;
  name: string;
  /** Null when group management is off. */
  groups: string[] | null;
}

/** Links an Atrium user to its directory account, so a changed email still finds the user. */
const LDAP_SUB_PREFIX = 'ldap@';
/** LDAP result code sizeLimitExceeded (RFC 4511). */
const SIZE_LIMIT_EXCEEDED = 4;

/**
 * POST /api/v1/auths/ldap: app-DN bind, user search (escaped filter), bind as the user to
 * check the password, then find-or-create the Atrium user, refresh name/email, sync groups
 * (nested included) and issue a session like /signin.
 */
@Injectable()
export class LdapSigninService {
  private readonly logger = new Logger('LdapSignin');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly settings: LdapSettings,
    private readonly directory: LdapDirectoryClient,
    private readonly groupResolver: LdapGroupResolver,
    private readonly users: UsersService,
    private readonly accounts: AccountsService,
    private readonly groupSync: DirectoryGroupSync,
    private readonly rateLimiter: SigninRateLimiter,
    private readonly issuer: SessionIssuer,
  ) {}

  async signin(user: string, password: string): Promise<SessionResponse> {
    const settings = this.settings.current();
    if (!settings.enabled) throw new LdapSigninRefusedError(LdapMessages.NOT_ENABLED);
    if (!this.config.auth.enablePasswordAuth)
      throw new ForbiddenError(ErrorMessages.ACTION_PROHIBITED);
    const username = user.trim().toLowerCase();
    const decision = await this.rateLimiter.hit(`${LDAP_SUB_PREFIX}${username}`);
    if (decision.limited) throw new SigninRateLimitedError(decision.retryAfterSeconds);
    // An empty password is an "unauthenticated bind" that many servers accept: never a sign-in.
    if (username === '' || password === '') {
      this.logger.warn(`LDAP sign-in refused for "${username}": empty user name or password`);
      throw new LdapSigninRefusedError(LdapMessages.AUTH_FAILED);
    }
    const identity = await this.authenticate(settings, username, password);
    const account = await this.findOrCreateUser(identity);
    if (identity.groups !== null) await this.syncGroups(account, identity.groups, settings);
    this.logger.log(`LDAP sign-in of ${identity.username} as ${account.email} (${account.role})`);
    return this.issuer.issue(account);
  }

  /** Talks to the directory; every path closes the connection. */
  private async authenticate(
    settings: LdapSigninSettings,
    username: string,
    password: string,
  ): Promise<DirectoryIdentity> {
    let connection: DirectoryConnection | undefined;
    try {
      connection = await this.directory.connect(settings.connection);
      if (settings.appDn) await this.bindApp(connection, settings);
      const entry = await this.findUser(connection, settings, username);
      const identity = this.identityOf(entry, settings, username);
      try {
        await connection.bind(entry.dn, password);
      } catch (error) {
        if (!(error instanceof DirectoryBindRefusedError)) throw error;
        this.logger.warn(`LDAP sign-in refused for "${username}": wrong password`);
        throw new LdapSigninRefusedError(LdapMessages.AUTH_FAILED);
      }
      if (settings.groupManagement) {
        // Search groups with the application's rights again, not the user's.
        if (settings.appDn) await this.bindApp(connection, settings);
        identity.groups = await this.resolveGroups(connection, entry, settings);
      }
      return identity;
    } catch (error) {
      throw this.translate(error, settings);
    } finally {
      await connection?.close();
    }
  }

  /**
   * The user's groups, nested included. A directory answer that is an error (e.g. a wrong
   * LDAP_GROUP_SEARCH_BASE) skips the sync with an error log rather than locking everyone out.
   */
  private async resolveGroups(
    connection: DirectoryConnection,
    entry: DirectoryEntry,
    settings: LdapSigninSettings,
  ): Promise<string[] | null> {
    try {
      return await this.groupResolver.resolve(connection, {
        userDn: entry.dn,
        directGroupValues: entry.attributes[settings.groupsAttribute.toLowerCase()] ?? [],
        groupSearchBase: settings.groupSearchBase,
      });
    } catch (error) {
      if (!isLdapResultError(error)) throw error;
      this.logger.error(
        `LDAP group lookup for ${entry.dn} under ${settings.groupSearchBase} failed (${error.message}); groups not synced`,
      );
      return null;
    }
  }

  private async bindApp(connection: DirectoryConnection, settings: LdapSigninSettings) {
    try {
      await connection.bind(settings.appDn, settings.appPassword);
    } catch (error) {
      if (!(error instanceof DirectoryBindRefusedError)) throw error;
      this.logger.error(
        `LDAP application bind as ${settings.appDn} refused: check LDAP_APP_DN/LDAP_APP_PASSWORD`,
      );
      throw new LdapSigninRefusedError(LdapMessages.APP_BIND_FAILED);
    }
  }

  private async findUser(
    connection: DirectoryConnection,
    settings: LdapSigninSettings,
    username: string,
  ): Promise<DirectoryEntry> {
    const attributes = [settings.usernameAttribute, settings.mailAttribute, 'cn'];
    if (settings.groupManagement) attributes.push(settings.groupsAttribute);
    const filter = userSearchFilter(settings.usernameAttribute, username, settings.searchFilters);
    const entries = await connection
      .search(settings.searchBase, filter, attributes, 2)
      .catch((error: unknown) => {
        // sizeLimitExceeded: three or more entries match, which is as ambiguous as two.
        if ((error as { code?: unknown }).code === SIZE_LIMIT_EXCEEDED) return [null, null];
        throw error;
      });
    if (entries.length !== 1 || !entries[0]) {
      this.logger.warn(
        `LDAP sign-in refused for "${username}": ${entries.length === 0 ? 'no' : 'more than one'} entry matches ${filter}`,
      );
      throw new LdapSigninRefusedError(LdapMessages.USER_NOT_FOUND);
    }
    return entries[0];
  }

  private identityOf(
    entry: DirectoryEntry,
    settings: LdapSigninSettings,
    username: string,
  ): DirectoryIdentity {
    const found = entry.attributes[settings.usernameAttribute.toLowerCase()] ?? [];
    // Open WebUI's check that the entry really is the user asked for (case-insensitive).
    if (!found.some((value) => value.toLowerCase() === username)) {
      this.logger.warn(
        `LDAP sign-in refused for "${username}": entry ${entry.dn} has another ${settings.usernameAttribute}`,
      );
      throw new LdapSigninRefusedError(LdapMessages.USER_MISMATCH);
    }
    const email = (entry.attributes[settings.mailAttribute.toLowerCase()]?.[0] ?? '')
      .trim()
      .toLowerCase();
    if (!email || !isValidEmail(email)) {
      this.logger.warn(
        `LDAP sign-in refused for "${username}": no valid ${settings.mailAttribute}`,
      );
      throw new LdapSigninRefusedError(LdapMessages.NO_EMAIL);
    }
    const name = entry.attributes.cn?.[0]?.trim() || username;
    return { username, email, name, groups: null };
  }

  private translate(error: unknown, settings: LdapSigninSettings): unknown {
    const where = `${settings.connection.host}:${settings.connection.port}`;
    if (error instanceof DirectoryUnavailableError) {
      this.logger.error(`LDAP server ${where} unavailable: ${error.message}`);
      return new LdapUnavailableError(error.message);
    }
    if (error instanceof DirectoryTlsConfigError) {
      this.logger.error(`LDAP TLS configuration: ${error.message}`);
      return new LdapSigninRefusedError(LdapMessages.TLS_CONFIG);
    }
    if (isLdapResultError(error)) {
      this.logger.error(`LDAP server ${where} answered ${error.name}: ${error.message}`);
      return new LdapUnavailableError(`the directory refused the request (${error.message})`);
    }
    return error;
  }

  /** By the directory link first (email may have changed), else by email as Open WebUI does. */
  private async findOrCreateUser(identity: DirectoryIdentity): Promise<UserRecord> {
    const sub = `${LDAP_SUB_PREFIX}${identity.username}`;
    const existing =
      (await this.users.findByOauthSub(sub)) ?? (await this.users.findByEmail(identity.email));
    if (!existing) {
      const created = await this.accounts.createAccount({
        email: identity.email,
        password: randomUUID(),
        name: identity.name,
      });
      this.logger.log(
        `created user ${identity.email} (${created!.role}) from LDAP ${identity.username}`,
      );
      return this.users.update(created!.id, { oauthSub: sub });
    }
    return this.refreshProfile(existing, identity, sub);
  }

  private async refreshProfile(
    user: UserRecord,
    identity: DirectoryIdentity,
    sub: string,
  ): Promise<UserRecord> {
    const changes: { name?: string; email?: string; oauthSub?: string } = {};
    if (user.name !== identity.name) changes.name = identity.name;
    if (user.email !== identity.email) {
      const owner = await this.users.findByEmail(identity.email);
      if (owner && owner.id !== user.id)
        this.logger.warn(
          `LDAP email ${identity.email} of ${identity.username} belongs to another user; kept ${user.email}`,
        );
      else changes.email = identity.email;
    }
    if (!user.oauthSub) changes.oauthSub = sub;
    if (Object.keys(changes).length === 0) return user;
    return this.users.update(user.id, changes);
  }

  /** Open WebUI leaves admins' groups alone (an admin cannot lock themselves out by a directory change). */
  private async syncGroups(user: UserRecord, groups: string[], settings: LdapSigninSettings) {
    if (user.role === 'admin') {
      this.logger.log(
        `LDAP group sync skipped for admin ${user.email}; directory groups [${groups.join(', ')}]`,
      );
      return;
    }
    await this.groupSync.syncUserGroups(user.id, groups, {
      createMissing: settings.groupCreation,
      source: 'ldap',
    });
  }
}

function isLdapResultError(error: unknown): error is Error {
  return error instanceof Error && typeof (error as { code?: unknown }).code === 'number';
}
