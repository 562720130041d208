import { randomBytes } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { BadRequestError } from '@atrium/common';
import { SettingsService } from '@atrium/settings';
import { DirectoryGroupSync, UsersService, type UserRecord } from '@atrium/users';
import { AccountsService } from '../accounts/accounts.service.js';
import { claimAsList, readClaim } from './claim-path.js';
import { decideRole } from './oauth-role-policy.js';
import { OAuthRefusal, OAuthRefusalMessages } from './oauth-refusal.js';

/** Who the provider says signed in, after the tokens were checked. */
export interface OAuthIdentity {
  provider: string;
  /** The provider's stable subject for the user. */
  subject: string;
  /** Lowercased. */
  email: string;
  name: string;
  picture?: string;
  /** Every claim (ID token and userinfo), for roles and groups. */
  claims: Record<string, unknown>;
}

/**
 * Turns a verified identity into an Atrium user: finds it by `provider@sub` (or by email when
 * OAUTH_MERGE_ACCOUNTS_BY_EMAIL), creates it when ENABLE_OAUTH_SIGNUP, applies the email domain
 * allow-list, and re-applies role and group claims at every sign-in.
 */
@Injectable()
export class OAuthAccountsService {
  private readonly logger = new Logger('OAuth');

  constructor(
    private readonly users: UsersService,
    private readonly accounts: AccountsService,
    private readonly settings: SettingsService,
    private readonly groupSync: DirectoryGroupSync,
  ) {}

  async signIn(identity: OAuthIdentity): Promise<UserRecord> {
    this.assertDomainAllowed(identity.email);
    const oauthSub = `${identity.provider}@${identity.subject}`;
    let user = await this.users.findByOauthSub(oauthSub);
    if (!user && this.settings.get('oauth.merge_accounts_by_email')) {
      user = await this.users.findByEmail(identity.email);
      if (user) {
        user = await this.users.update(user.id, { oauthSub });
        this.logger.log(`linked ${oauthSub} to the existing account ${user.email} by email`);
      }
    }
    user = user ? await this.applyRole(user, identity) : await this.create(identity, oauthSub);
    await this.syncGroups(user, identity);
    return user;
  }

  private assertDomainAllowed(email: string): void {
    const allowed = this.settings
      .get('oauth.allowed_domains')
      .map((domain) => domain.toLowerCase());
    const domain = email.slice(email.lastIndexOf('@') + 1);
    if (allowed.includes('*') || allowed.includes(domain)) return;
    throw new OAuthRefusal(
      OAuthRefusalMessages.DOMAIN_NOT_ALLOWED,
      `email domain "${domain}" of ${email} is not in OAUTH_ALLOWED_DOMAINS [${allowed.join(', ')}]`,
    );
  }

  private async applyRole(user: UserRecord, identity: OAuthIdentity): Promise<UserRecord> {
    const decision = decideRole({
      current: user.role,
      userCount: await this.users.count(),
      defaultRole: this.settings.get('ui.default_user_role'),
      mapping: this.roleMapping(),
      claims: identity.claims,
    });
    if ('refused' in decision) {
      throw new OAuthRefusal(
        OAuthRefusalMessages.ROLE_NOT_ALLOWED,
        `${user.email}: ${decision.refused}`,
      );
    }
    if (decision.role === user.role) return user;
    this.logger.log(`role of ${user.email}: ${user.role} -> ${decision.role} (${decision.why})`);
    return this.users.update(user.id, { role: decision.role });
  }

  private async create(identity: OAuthIdentity, oauthSub: string): Promise<UserRecord> {
    if (!this.settings.get('oauth.enable_signup')) {
      throw new OAuthRefusal(
        OAuthRefusalMessages.SIGNUP_DISABLED,
        `${identity.email} has no account and ENABLE_OAUTH_SIGNUP is off`,
      );
    }
    if (await this.users.findByEmail(identity.email)) {
      throw new OAuthRefusal(
        OAuthRefusalMessages.EMAIL_TAKEN,
        `${identity.email} already has an account not linked to ${oauthSub} ` +
          '(OAUTH_MERGE_ACCOUNTS_BY_EMAIL is off)',
      );
    }
    const userCount = await this.users.count();
    const decision = decideRole({
      current: null,
      userCount,
      defaultRole: this.settings.get('ui.default_user_role'),
      mapping: this.roleMapping(),
      claims: identity.claims,
    });
    if ('refused' in decision) {
      throw new OAuthRefusal(
        OAuthRefusalMessages.ROLE_NOT_ALLOWED,
        `${identity.email}: ${decision.refused}`,
      );
    }
    let created: UserRecord | null;
    try {
      created = await this.accounts.createAccount({
        email: identity.email,
        // Never used to sign in: OAuth accounts get a password only if an admin sets one.
        password: randomBytes(32).toString('base64url'),
        name: identity.name,
        profileImageUrl: identity.picture,
        // The first user is made admin under the account-creation lock, not here.
        role: userCount === 0 ? undefined : decision.role,
      });
    } catch (error) {
      if (error instanceof BadRequestError)
        throw new OAuthRefusal(
          OAuthRefusalMessages.EMAIL_TAKEN,
          `${identity.email}: ${error.message}`,
        );
      throw error;
    }
    const user = await this.users.update(created!.id, { oauthSub });
    this.logger.log(`created ${user.email} (${user.role}) from ${oauthSub} (${decision.why})`);
    return user;
  }

  /**
   * ENABLE_OAUTH_GROUP_MANAGEMENT: the user's groups become exactly the claim's (admins too).
   * A missing claim leaves memberships alone and says so; a present but empty one empties them.
   */
  private async syncGroups(user: UserRecord, identity: OAuthIdentity): Promise<void> {
    if (!this.settings.get('oauth.enable_group_mapping')) return;
    const claim = this.settings.get('oauth.oidc.group_claim');
    const groups = claimAsList(readClaim(identity.claims, claim));
    if (groups === undefined) {
      this.logger.warn(
        `group claim "${claim}" is missing for ${user.email}; group memberships left unchanged`,
      );
      return;
    }
    await this.groupSync.syncUserGroups(user.id, groups, {
      createMissing: this.settings.get('oauth.enable_group_creation'),
      source: 'oauth',
    });
  }

  private roleMapping() {
    return {
      enabled: this.settings.get('oauth.enable_role_mapping'),
      claim: this.settings.get('oauth.roles_claim'),
      allowedRoles: this.settings.get('oauth.allowed_roles'),
      adminRoles: this.settings.get('oauth.admin_roles'),
    };
  }
}
