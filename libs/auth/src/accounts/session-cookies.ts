import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '@atrium/common';
import { APP_CONFIG, type AppConfig } from '@atrium/config';
import type { CookieOptions, Response } from 'express';
import { SESSION_COOKIE } from '../guard/presented-credential.js';

/** Cookies signout removes (the OAuth ones are set by the OAuth flow). */
const SIGNOUT_COOKIES = [SESSION_COOKIE, 'oauth_id_token', 'oauth_session_id'] as const;

/**
 * The `token` cookie: HttpOnly, SameSite/Secure from WEBUI_AUTH_COOKIE_SAME_SITE/_SECURE, living
 * as long as the token (a session cookie when the token never expires).
 */
@Injectable()
export class SessionCookies {
  private readonly base: CookieOptions;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly clock: Clock,
  ) {
    this.base = {
      httpOnly: true,
      sameSite: config.auth.cookie.sameSite,
      secure: config.auth.cookie.secure,
      path: '/',
    };
  }

  set(response: Response, token: string, expiresAt: number | null): void {
    const options: CookieOptions = { ...this.base };
    if (expiresAt !== null)
      options.maxAge = Math.max(0, expiresAt - this.clock.nowSeconds()) * 1000;
    response.cookie(SESSION_COOKIE, token, options);
  }

  clearAll(response: Response): void {
    for (const name of SIGNOUT_COOKIES) response.clearCookie(name, { path: '/' });
  }
}
