import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  BadRequestError,
  ErrorMessages,
  ForbiddenError,
  NotFoundError,
  type AuthenticatedUser,
  type Role,
} from '@atrium/common';
import { APP_CONFIG, type AppConfig } from '@atrium/config';
import { SettingsService } from '@atrium/settings';
import {
  DEFAULT_PROFILE_IMAGE_URL,
  GroupsService,
  UsersService,
  type UserRecord,
} from '@atrium/users';
import { AuthMessages } from '../auth.errors.js';
import type { AddUserDto } from '../dto/add-user.dto.js';
import type {
  AddedUserResponse,
  AdminDetailsResponse,
  ProfileResponse,
  SessionResponse,
} from '../dto/session.response.js';
import type { SignupDto } from '../dto/signup.dto.js';
import type { UpdateProfileDto } from '../dto/update-profile.dto.js';
import { CredentialsRepository } from '../passwords/credentials.repository.js';
import { PasswordHasher } from '../passwords/password-hasher.js';
import { PasswordPolicy } from '../passwords/password-policy.js';
import { AccountCreationLock } from './account-creation.lock.js';
import { isValidEmail, normalizeEmail } from './email-address.js';
import { profileImagePath, SessionIssuer } from './session-issuer.js';

export interface NewAccount {
  /** Already normalised and validated. */
  email: string;
  /** Already checked against the password policy. */
  password: string;
  name: string;
  profileImageUrl?: string | null;
  /** A fixed role (admin "add user"); otherwise admin for the very first user, else the default role. */
  role?: Role;
  /** Create only while there are no users at all (headless admin, no-auth admin). */
  onlyIfNoUsers?: boolean;
  /**
   * A self-service signup: the signup switches are checked again under the lock, so signups
   * racing the first one are refused once it has turned signup off.
   */
  viaSignup?: boolean;
}

/**
 * Accounts with a password: signup, admin-created users, the first admin, profile and
 * password changes. A user row and its `auth` credential are always created together.
 */
@Injectable()
export class AccountsService {
  private readonly logger = new Logger('Accounts');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly users: UsersService,
    private readonly groups: GroupsService,
    private readonly credentials: CredentialsRepository,
    private readonly hasher: PasswordHasher,
    private readonly policy: PasswordPolicy,
    private readonly settings: SettingsService,
    private readonly lock: AccountCreationLock,
    private readonly sessions: SessionIssuer,
  ) {}

  /** POST /signup: the first user becomes admin and turns signup off. */
  async signup(form: SignupDto): Promise<SessionResponse> {
    this.assertSignupOpen((await this.users.count()) > 0);
    const email = await this.assertEmailAvailable(form.email);
    this.policy.assertAcceptable(form.password);
    const user = await this.createAccount({
      email,
      password: form.password,
      name: form.name,
      profileImageUrl: form.profile_image_url,
      viaSignup: true,
    });
    return this.sessions.issue(user!);
  }

  /** POST /add (admin): a user with a chosen role ("pending" unless told). */
  async addUser(form: AddUserDto): Promise<AddedUserResponse> {
    const email = await this.assertEmailAvailable(form.email);
    this.policy.assertAcceptable(form.password);
    const user = await this.createAccount({
      email,
      password: form.password,
      name: form.name,
      profileImageUrl: form.profile_image_url,
      role: form.role ?? 'pending',
    });
    const session = await this.sessions.issue(user!);
    return {
      token: session.token,
      token_type: 'Bearer',
      id: user!.id,
      email: user!.email,
      name: user!.name,
      role: user!.role,
      profile_image_url: profileImagePath(user!.id),
    };
  }

  /**
   * Creates a user and its credential. Whether this is the first user is decided under the
   * account-creation lock, so concurrent first signups (on any instance) give one admin; the
   * first user's signup also switches ui.enable_signup off. New users join ui.default_group_id.
   * Returns null only with `onlyIfNoUsers` when users already exist.
   */
  async createAccount(account: NewAccount): Promise<UserRecord | null> {
    // Hash outside the lock: bcrypt is the slow part and needs no serialising.
    const passwordHash = await this.hasher.hash(account.password);
    const user = await this.lock.run(async () => {
      const existing = await this.users.count();
      if (account.onlyIfNoUsers && existing > 0) return null;
      if (account.viaSignup) this.assertSignupOpen(existing > 0);
      if (await this.users.findByEmail(account.email))
        throw new BadRequestError(ErrorMessages.EMAIL_TAKEN);
      await this.releaseStaleCredentialEmail(account.email);
      const first = existing === 0;
      const role: Role =
        account.role ?? (first ? 'admin' : this.settings.get('ui.default_user_role'));
      const created = await this.insertUserWithCredential(account, role, passwordHash);
      if (first) {
        this.logger.log(
          `first user ${created.email} created as ${created.role}; signup is now disabled`,
        );
        await this.settings.update({
          'ui.enable_signup': false,
          'auth.primary_admin_id': created.id,
        });
      }
      return created;
    });
    if (user) await this.joinDefaultGroup(user.id);
    return user;
  }

  /**
   * The user row and its credential in one transaction. A unique-index clash (an instance
   * without the lock, e.g. two processes on one SQLite file) is answered as "email taken".
   */
  private async insertUserWithCredential(
    account: NewAccount,
    role: Role,
    passwordHash: string,
  ): Promise<UserRecord> {
    try {
      return await this.users.transaction(async (manager) => {
        const record = await this.users.create(
          {
            email: account.email,
            name: account.name,
            role,
            profileImageUrl: account.profileImageUrl || DEFAULT_PROFILE_IMAGE_URL,
          },
          manager,
        );
        await this.credentials.insert(
          { id: record.id, email: record.email, passwordHash, active: true },
          manager,
        );
        return record;
      });
    } catch (error) {
      if (await this.users.findByEmail(account.email)) {
        throw new BadRequestError(ErrorMessages.EMAIL_TAKEN);
      }
      throw error;
    }
  }

  /**
   * WEBUI_ADMIN_EMAIL + WEBUI_ADMIN_PASSWORD: creates that admin at start when there are no
   * users yet (signup is then switched off like after any first user). Safe when several
   * instances start together.
   */
  async ensureConfiguredAdmin(): Promise<UserRecord | null> {
    const { email, password, name } = this.config.auth.admin;
    if (!email || !password) return null;
    if ((await this.users.count()) > 0) return null;
    const normalized = normalizeEmail(email);
    if (!isValidEmail(normalized))
      throw new Error(`WEBUI_ADMIN_EMAIL "${email}" is not a valid email address`);
    this.policy.assertAcceptable(password);
    const admin = await this.createAccount({
      email: normalized,
      password,
      name,
      role: 'admin',
      onlyIfNoUsers: true,
    });
    if (admin) this.logger.log(`created the admin ${admin.email} from WEBUI_ADMIN_EMAIL`);
    return admin;
  }

  /** POST /update/password: needs the current password; false when nothing was changed. */
  async updatePassword(caller: AuthenticatedUser, current: string, next: string): Promise<boolean> {
    const credential = await this.credentials.findByUserId(caller.id);
    if (
      !credential ||
      !credential.active ||
      !(await this.hasher.verify(current, credential.passwordHash))
    ) {
      throw new BadRequestError(AuthMessages.INCORRECT_PASSWORD);
    }
    // Upstream checks the *current* password against the rules here (a slip); the new one is checked.
    this.policy.assertAcceptable(next);
    return this.credentials.updatePassword(caller.id, await this.hasher.hash(next));
  }

  /**
   * Sets a user's password without the old one (admins editing users; the users library
   * reaches this through PASSWORD_UPDATER). 400 when the password breaks the policy, 404 when
   * the user does not exist. A user without a credential row (e.g. created by OAuth) gets one.
   */
  async setPassword(userId: string, password: string): Promise<void> {
    this.policy.assertAcceptable(password);
    const hash = await this.hasher.hash(password);
    if (await this.credentials.updatePassword(userId, hash)) return;
    const user = await this.users.findById(userId);
    if (!user) throw new NotFoundError(ErrorMessages.USER_NOT_FOUND);
    await this.releaseStaleCredentialEmail(user.email);
    await this.credentials.insert({
      id: userId,
      email: user.email,
      passwordHash: hash,
      active: true,
    });
  }

  /** Keeps the credential's copy of the email in step when the users library changes it. */
  async syncCredentialEmail(userId: string, email: string): Promise<void> {
    const normalized = normalizeEmail(email);
    await this.releaseStaleCredentialEmail(normalized);
    await this.credentials.updateEmail(userId, normalized);
  }

  /** POST /update/profile */
  async updateProfile(userId: string, form: UpdateProfileDto): Promise<ProfileResponse> {
    const user = await this.users.update(userId, {
      name: form.name,
      profileImageUrl: form.profile_image_url,
      bio: form.bio,
      gender: form.gender,
      dateOfBirth: form.date_of_birth,
    });
    return {
      id: user.id,
      name: user.name,
      role: user.role,
      email: user.email,
      profile_image_url: user.profileImageUrl,
    };
  }

  /** POST /update/timezone */
  async updateTimezone(userId: string, timezone: string): Promise<{ status: true }> {
    await this.users.update(userId, { timezone });
    return { status: true };
  }

  /** GET /admin/details: whom pending users should contact (400 when SHOW_ADMIN_DETAILS is off). */
  async adminDetails(): Promise<AdminDetailsResponse> {
    if (!this.settings.get('auth.admin.show'))
      throw new BadRequestError(ErrorMessages.ACTION_PROHIBITED);
    const configuredEmail = this.settings.get('auth.admin.email');
    if (configuredEmail) {
      const admin = await this.users.findByEmail(configuredEmail);
      return { name: admin?.name ?? null, email: configuredEmail };
    }
    const first = await this.users.findPrimaryAdmin();
    return { name: first?.name ?? null, email: first?.email ?? null };
  }

  /**
   * 403 unless self-service signup is open: with WEBUI_AUTH, ENABLE_SIGNUP and ENABLE_LOGIN_FORM
   * must both be on once a user exists (ENABLE_INITIAL_ADMIN_SIGNUP lets the very first one in
   * regardless); without WEBUI_AUTH, only the first signup is possible.
   */
  private assertSignupOpen(hasUsers: boolean): void {
    if (!this.config.auth.webuiAuth) {
      if (hasUsers) throw new ForbiddenError(ErrorMessages.ACCESS_PROHIBITED);
      return;
    }
    const open = this.settings.get('ui.enable_signup') && this.settings.get('ui.enable_login_form');
    if (!open && (hasUsers || !this.config.auth.enableInitialAdminSignup)) {
      throw new ForbiddenError(ErrorMessages.ACCESS_PROHIBITED);
    }
  }

  /** Normalises, validates and checks that no user has the email (400 otherwise). */
  private async assertEmailAvailable(raw: string): Promise<string> {
    const email = normalizeEmail(raw);
    if (!isValidEmail(email)) throw new BadRequestError(ErrorMessages.INVALID_EMAIL_FORMAT);
    if (await this.users.findByEmail(email)) throw new BadRequestError(ErrorMessages.EMAIL_TAKEN);
    return email;
  }

  /**
   * `auth.email` is unique but only a copy of `user.email`. If a user's email was changed
   * without the copy, the old address would block a new account; move the stale copy along.
   */
  private async releaseStaleCredentialEmail(email: string): Promise<void> {
    const holder = await this.credentials.findByEmail(email);
    if (!holder) return;
    const owner = await this.users.findById(holder.id);
    if (owner && owner.email !== email) await this.credentials.updateEmail(holder.id, owner.email);
  }

  private async joinDefaultGroup(userId: string): Promise<void> {
    const groupId = this.settings.get('ui.default_group_id');
    if (!groupId) return;
    try {
      await this.groups.addUserToGroup(groupId, userId);
    } catch (error) {
      this.logger.warn(
        `could not add ${userId} to the default group ${groupId}: ${(error as Error).message}`,
      );
    }
  }
}
