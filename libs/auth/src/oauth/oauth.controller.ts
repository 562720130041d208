import { Controller, Get, Inject, Logger, Param, Query, Req, Res } from '@nestjs/common';
import { NotFoundError, Public } from '@atrium/common';
import { APP_CONFIG, type AppConfig } from '@atrium/config';
import type { CookieOptions, Request, Response } from 'express';
import { SessionCookies } from '../accounts/session-cookies.js';
import { OAuthLoginService } from './oauth-login.service.js';
import { OAuthRefusal, OAuthRefusalMessages } from './oauth-refusal.js';
import { OAUTH_ID_TOKEN_COOKIE } from './oauth-signout.js';

/** Binds a started login to this browser; scoped to the /oauth paths that read it. */
const LOGIN_COOKIE = 'oauth_login';
const LOGIN_COOKIE_PATH = '/oauth';

/**
 * Open WebUI's browser sign-in routes. Every outcome is a redirect: to the provider, to
 * `{WEBUI_URL}/auth#token=...` (the `token` cookie is set too), or to `{WEBUI_URL}/auth?error=`
 * with a readable reason; the log says why a sign-in was refused.
 */
@Controller('oauth/:provider')
export class OAuthController {
  private readonly logger = new Logger('OAuth');
  private readonly cookieBase: CookieOptions;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly logins: OAuthLoginService,
    private readonly sessionCookies: SessionCookies,
  ) {
    const { sameSite, secure } = config.auth.cookie;
    // The provider sends the browser back cross-site: a strict cookie would not come along.
    this.cookieBase = { httpOnly: true, secure, sameSite: sameSite === 'none' ? 'none' : 'lax' };
  }

  @Get('login')
  @Public()
  async login(
    @Param('provider') name: string,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    const provider = this.logins.provider(name);
    if (!provider) throw new NotFoundError('Not Found');
    const base = this.logins.publicBase(originOf(request));
    try {
      const started = await this.logins.start(provider, base);
      response.cookie(LOGIN_COOKIE, started.browserBinding, {
        ...this.cookieBase,
        path: LOGIN_COOKIE_PATH,
        maxAge: this.logins.loginTtlMs,
      });
      response.redirect(302, started.authorizationUrl);
    } catch (error) {
      this.refuse(response, base, name, error);
    }
  }

  /** `callback` is the path older Open WebUI releases registered with the providers. */
  @Get(['login/callback', 'callback'])
  @Public()
  callback(
    @Param('provider') name: string,
    @Query() query: Record<string, unknown>,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    return this.completeLogin(name, query, request, response);
  }

  private async completeLogin(
    name: string,
    query: Record<string, unknown>,
    request: Request,
    response: Response,
  ): Promise<void> {
    const provider = this.logins.provider(name);
    if (!provider) throw new NotFoundError('Not Found');
    const base = this.logins.publicBase(originOf(request));
    const cookies = (request.cookies ?? {}) as Record<string, string | undefined>;
    response.clearCookie(LOGIN_COOKIE, { path: LOGIN_COOKIE_PATH });
    try {
      const { session, idToken } = await this.logins.complete(
        provider,
        {
          code: text(query.code),
          state: text(query.state),
          error: text(query.error),
          errorDescription: text(query.error_description),
        },
        cookies[LOGIN_COOKIE],
      );
      this.sessionCookies.set(response, session.token, session.expires_at);
      if (idToken)
        response.cookie(OAUTH_ID_TOKEN_COOKIE, idToken, { ...this.cookieBase, path: '/' });
      // The hash never reaches a server or a log; the UI reads the token from it (or the cookie).
      response.redirect(302, `${base}/auth#token=${encodeURIComponent(session.token)}`);
    } catch (error) {
      this.refuse(response, base, name, error);
    }
  }

  private refuse(response: Response, base: string, provider: string, error: unknown): void {
    let message: string = OAuthRefusalMessages.FAILED;
    if (error instanceof OAuthRefusal) {
      message = error.userMessage;
      this.logger.warn(`refused sign-in with ${provider}: ${error.reason}`);
    } else {
      this.logger.error(
        `sign-in with ${provider} failed unexpectedly: ${(error as Error).message}`,
        (error as Error).stack,
      );
    }
    response.redirect(302, `${base}/auth?error=${encodeURIComponent(message)}`);
  }
}

function originOf(request: Request): string {
  return `${request.protocol}://${request.get('host') ?? 'localhost'}`;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
