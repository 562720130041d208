import { Body, Controller, Delete, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import { Auth, CurrentUser, LenientBody, Public, type AuthenticatedUser } from '@atrium/common';
import type { Request, Response } from 'express';
import { AccountsService } from './accounts/accounts.service.js';
import { AuthAdminConfigService } from './accounts/auth-admin-config.service.js';
import { SessionCookies } from './accounts/session-cookies.js';
import { SessionsService } from './accounts/sessions.service.js';
import { ApiKeysService } from './api-keys/api-keys.service.js';
import { AddUserDto } from './dto/add-user.dto.js';
import { AdminConfigDto } from './dto/admin-config.dto.js';
import type {
  AddedUserResponse,
  AdminConfigResponse,
  AdminDetailsResponse,
  ApiKeyResponse,
  ProfileResponse,
  SessionResponse,
  SessionUserInfoResponse,
  SignoutResponse,
} from './dto/session.response.js';
import { SigninDto } from './dto/signin.dto.js';
import { SignupDto } from './dto/signup.dto.js';
import { UpdatePasswordDto } from './dto/update-password.dto.js';
import { UpdateProfileDto } from './dto/update-profile.dto.js';
import { UpdateTimezoneDto } from './dto/update-timezone.dto.js';
import { PresentedSessionToken } from './guard/presented-credential.js';
import { TrustedHeaderSignin } from './guard/trusted-header.js';
import { SignoutRedirects } from './oauth/signout-redirects.js';

/** Open WebUI's /api/v1/auths router. FastAPI answers 200 to every POST, so these do too. */
@Controller('api/v1/auths')
export class AuthsController {
  constructor(
    private readonly sessions: SessionsService,
    private readonly accounts: AccountsService,
    private readonly adminConfig: AuthAdminConfigService,
    private readonly apiKeys: ApiKeysService,
    private readonly cookies: SessionCookies,
    private readonly trustedHeaders: TrustedHeaderSignin,
    private readonly signoutRedirects: SignoutRedirects,
  ) {}

  /** The session the UI loads on every page; re-sets the cookie for JWT callers. */
  @Get()
  @Auth({ allowPending: true })
  async session(
    @CurrentUser() caller: AuthenticatedUser,
    @Res({ passthrough: true }) response: Response,
  ): Promise<SessionUserInfoResponse> {
    const session = await this.sessions.currentSession(caller);
    if (caller.authType === 'jwt') this.cookies.set(response, session.token, session.expires_at);
    return session;
  }

  @Post('signin')
  @HttpCode(200)
  @Public()
  async signin(
    @Body() form: SigninDto,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<SessionResponse> {
    // Behind a trusted proxy (WEBUI_AUTH_TRUSTED_EMAIL_HEADER) the headers say who signs in.
    const session =
      (await this.trustedHeaders.signin(request)) ?? (await this.sessions.signin(form));
    this.cookies.set(response, session.token, session.expires_at);
    return session;
  }

  @Post('signup')
  @HttpCode(200)
  @Public()
  async signup(
    @Body() form: SignupDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<SessionResponse> {
    const session = await this.accounts.signup(form);
    this.cookies.set(response, session.token, session.expires_at);
    return session;
  }

  /** Public so that a stale or already-revoked token can still sign out (and clear cookies). */
  @Get('signout')
  @Public()
  signoutGet(
    @PresentedSessionToken() token: string | undefined,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<SignoutResponse> {
    return this.signout(token, request, response);
  }

  @Post('signout')
  @HttpCode(200)
  @Public()
  signoutPost(
    @PresentedSessionToken() token: string | undefined,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<SignoutResponse> {
    return this.signout(token, request, response);
  }

  @Post('update/profile')
  @HttpCode(200)
  @Auth()
  updateProfile(
    @CurrentUser() caller: AuthenticatedUser,
    @LenientBody(UpdateProfileDto) form: Readonly<UpdateProfileDto>,
  ): Promise<ProfileResponse> {
    return this.accounts.updateProfile(caller.id, form);
  }

  /** Answers a bare JSON `true`/`false` (Nest would send booleans as text/html). */
  @Post('update/password')
  @HttpCode(200)
  @Auth({ allowPending: true })
  updatePassword(
    @CurrentUser() caller: AuthenticatedUser,
    @Body() form: UpdatePasswordDto,
  ): Promise<boolean> {
    this.trustedHeaders.assertPasswordChangeAllowed();
    return this.accounts.updatePassword(caller, form.password, form.new_password);
  }

  @Post('update/timezone')
  @HttpCode(200)
  @Auth({ allowPending: true })
  updateTimezone(
    @CurrentUser() caller: AuthenticatedUser,
    @Body() form: UpdateTimezoneDto,
  ): Promise<{ status: true }> {
    return this.accounts.updateTimezone(caller.id, form.timezone);
  }

  @Post('add')
  @HttpCode(200)
  @Auth({ admin: true })
  addUser(@Body() form: AddUserDto): Promise<AddedUserResponse> {
    return this.accounts.addUser(form);
  }

  /** For the "account pending" overlay, so pending users may call it. */
  @Get('admin/details')
  @Auth({ allowPending: true })
  adminDetails(): Promise<AdminDetailsResponse> {
    return this.accounts.adminDetails();
  }

  @Get('admin/config')
  @Auth({ admin: true })
  getAdminConfig(): AdminConfigResponse {
    return this.adminConfig.get();
  }

  @Post('admin/config')
  @HttpCode(200)
  @Auth({ admin: true })
  updateAdminConfig(
    @LenientBody(AdminConfigDto) form: Readonly<AdminConfigDto>,
  ): Promise<AdminConfigResponse> {
    return this.adminConfig.update(form);
  }

  @Get('api_key')
  @Auth({ allowPending: true })
  async getApiKey(@CurrentUser() caller: AuthenticatedUser): Promise<ApiKeyResponse> {
    return { api_key: await this.apiKeys.get(caller.id) };
  }

  /** 403 when API keys are off, or (non-admins) without the features.api_keys permission. */
  @Post('api_key')
  @HttpCode(200)
  @Auth({ allowPending: true })
  async createApiKey(@CurrentUser() caller: AuthenticatedUser): Promise<ApiKeyResponse> {
    return { api_key: await this.apiKeys.create(caller) };
  }

  @Delete('api_key')
  @Auth({ allowPending: true })
  deleteApiKey(@CurrentUser() caller: AuthenticatedUser): Promise<boolean> {
    return this.apiKeys.delete(caller.id);
  }

  /** An identity provider's end-session URL (OIDC sign-in) wins over WEBUI_AUTH_SIGNOUT_REDIRECT_URL. */
  private async signout(
    token: string | undefined,
    request: Request,
    response: Response,
  ): Promise<SignoutResponse> {
    const result = await this.sessions.signout(token);
    const providerLogout = await this.signoutRedirects.resolve(request.cookies ?? {});
    this.cookies.clearAll(response);
    return providerLogout ? { status: true, redirect_url: providerLogout } : result;
  }
}
