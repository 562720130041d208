/**
 * OpenID Connect sign-in against a real provider (test/support/oidc-server.ts), driven like a
 * browser without one: every redirect is followed by hand with a cookie jar per host.
 */
import { Logger } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { bootApp, type BootedApp } from './harness/boot-app.js';
import {
  createTestDatabase,
  engineMatrix,
  warnSkipped,
  type TestDatabase,
} from './support/test-databases.js';
import { startOidcServer, type OidcTestServer } from './support/oidc-server.js';

/** WEBUI_URL: the public base the provider sends browsers back to; mapped onto the real app. */
const WEBUI_URL = 'http://atrium.test';
const CALLBACK_URL = `${WEBUI_URL}/oauth/oidc/login/callback`;

const MESSAGES = {
  roleNotAllowed: 'does not have a role',
  domainNotAllowed: 'email domain is not allowed',
  signupDisabled: 'You do not have permission',
  expired: 'took too long or was already used',
  failed: 'Sign-in with the identity provider failed',
  claimMissing: 'did not send the information',
};

/** A browser: cookies per host, redirects followed by hand, `atrium.test` mapped to the app. */
class Browser {
  private readonly jars = new Map<string, Map<string, string>>();

  constructor(private readonly appUrl: string) {}

  async get(url: string): Promise<Response> {
    const target = new URL(url);
    const real =
      target.origin === WEBUI_URL ? new URL(target.pathname + target.search, this.appUrl) : target;
    const jar = this.jar(target.host);
    const response = await fetch(real, {
      redirect: 'manual',
      headers: { cookie: [...jar].map(([name, value]) => `${name}=${value}`).join('; ') },
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const name = pair.slice(0, pair.indexOf('='));
      const value = pair.slice(pair.indexOf('=') + 1);
      const gone =
        value === '' ||
        attributes.some((attribute) => /^\s*max-age=0\s*$/i.test(attribute)) ||
        attributes.some((attribute) => /^\s*expires=Thu, 01 Jan 1970/i.test(attribute));
      if (gone) jar.delete(name);
      else jar.set(name, value);
    }
    return response;
  }

  cookie(host: string, name: string): string | undefined {
    return this.jar(host).get(name);
  }

  /** Follows redirects from `url` until the browser is sent to WEBUI_URL; returns that URL. */
  async followUntilAtrium(url: string): Promise<string> {
    let next = url;
    for (let hop = 0; hop < 15; hop++) {
      const response = await this.get(next);
      const location = response.headers.get('location');
      if (!location) {
        throw new Error(
          `${next} answered ${response.status} without a redirect: ${await response.text()}`,
        );
      }
      next = new URL(location, next).toString();
      if (next.startsWith(WEBUI_URL)) return next;
    }
    throw new Error('too many redirects');
  }

  /** GET /oauth/oidc/login, then through the provider: the callback URL Atrium would receive. */
  async startLogin(): Promise<string> {
    return this.followUntilAtrium(`${WEBUI_URL}/oauth/oidc/login`);
  }

  /** Delivers a callback URL to Atrium; returns where Atrium sends the browser. */
  async deliver(callbackUrl: string): Promise<URL> {
    const response = await this.get(callbackUrl);
    expect(response.status).toBe(302);
    return new URL(response.headers.get('location')!);
  }

  private jar(host: string): Map<string, string> {
    let jar = this.jars.get(host);
    if (!jar) {
      jar = new Map();
      this.jars.set(host, jar);
    }
    return jar;
  }
}

function tokenOf(landing: URL): string {
  expect(landing.origin + landing.pathname).toBe(`${WEBUI_URL}/auth`);
  const token = new URLSearchParams(landing.hash.slice(1)).get('token');
  expect(token, `expected a token, got ${landing.toString()}`).toBeTruthy();
  return token!;
}

function errorOf(landing: URL): string {
  expect(landing.origin + landing.pathname).toBe(`${WEBUI_URL}/auth`);
  expect(landing.hash).toBe('');
  return landing.searchParams.get('error') ?? '';
}

for (const { engine, enabled, variable } of engineMatrix()) {
  if (!enabled) warnSkipped(`OAuth/OIDC sign-in on ${engine}`, variable);
  describe.skipIf(!enabled)(`OAuth/OIDC sign-in on ${engine}`, () => {
    let idp: OidcTestServer;
    let database: TestDatabase;
    let booted: BootedApp;
    let appUrl: string;

    const login = async (sub: string): Promise<URL> => {
      idp.loginAs = sub;
      const browser = new Browser(appUrl);
      return browser.deliver(await browser.startLogin());
    };
    const session = async (token: string) => {
      const response = await booted.http
        .get('/api/v1/auths/')
        .set('Authorization', `Bearer ${token}`);
      expect(response.status).toBe(200);
      return response.body as { id: string; email: string; role: string; name: string };
    };
    const groupsOf = async (token: string): Promise<string[]> => {
      const response = await booted.http
        .get('/api/v1/users/groups')
        .set('Authorization', `Bearer ${token}`);
      expect(response.status).toBe(200);
      return (response.body as { name: string }[]).map((group) => group.name).sort();
    };

    beforeAll(async () => {
      idp = await startOidcServer({
        redirectUris: [CALLBACK_URL],
        users: [
          {
            sub: 'founder',
            email: 'Founder@Example.com',
            name: 'Founder',
            roles: ['member', 'atrium-admin'],
          },
          {
            sub: 'alice',
            email: 'alice@example.com',
            name: 'Alice',
            roles: ['member'],
            groups: ['engineering', 'oncall'],
          },
          { sub: 'bob', email: 'bob@example.com', name: 'Bob', roles: ['visitor'] },
          { sub: 'norole', email: 'norole@example.com', name: 'No Role' },
          { sub: 'eve', email: 'eve@elsewhere.test', name: 'Eve', roles: ['member'] },
          { sub: 'nomail', name: 'No Mail', roles: ['member'] },
          { sub: 'carol', email: 'carol@example.com', name: 'Carol', roles: ['member'] },
        ],
      });
      database = await createTestDatabase(engine);
      booted = await bootApp({
        listen: true,
        env: {
          DATABASE_URL: database.url,
          WEBUI_URL,
          OPENID_PROVIDER_URL: `${idp.issuer}/.well-known/openid-configuration`,
          OAUTH_CLIENT_ID: idp.clientId,
          OAUTH_CLIENT_SECRET: idp.clientSecret,
          OAUTH_SCOPES: 'openid email profile roles',
          OAUTH_PROVIDER_NAME: 'Test IdP',
          ENABLE_OAUTH_SIGNUP: 'true',
          ENABLE_OAUTH_ROLE_MANAGEMENT: 'true',
          OAUTH_ROLES_CLAIM: 'realm_access.roles',
          OAUTH_ALLOWED_ROLES: 'member',
          OAUTH_ADMIN_ROLES: 'atrium-admin',
          ENABLE_OAUTH_GROUP_MANAGEMENT: 'true',
          ENABLE_OAUTH_GROUP_CREATION: 'true',
          OAUTH_GROUP_CLAIM: 'groups',
          OAUTH_ALLOWED_DOMAINS: 'example.com',
        },
      });
      appUrl = booted.url!;
    });
    afterAll(async () => {
      await booted?.close();
      await database?.drop();
      await idp?.close();
    });

    it('lists the provider in /api/config', async () => {
      const response = await booted.http.get('/api/config');
      expect(response.status).toBe(200);
      expect(response.body.oauth.providers).toEqual({ oidc: 'Test IdP' });
    });

    it('starts with PKCE S256, a state, a nonce and a browser-bound HttpOnly cookie', async () => {
      const response = await fetch(`${appUrl}/oauth/oidc/login`, { redirect: 'manual' });
      expect(response.status).toBe(302);
      const authorize = new URL(response.headers.get('location')!);
      expect(authorize.origin).toBe(idp.issuer);
      expect(Object.fromEntries(authorize.searchParams)).toMatchObject({
        response_type: 'code',
        client_id: idp.clientId,
        redirect_uri: CALLBACK_URL,
        scope: 'openid email profile roles',
        code_challenge_method: 'S256',
      });
      expect(authorize.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
      expect(authorize.searchParams.get('state')).toMatch(/^[\w-]{43}$/);
      expect(authorize.searchParams.get('nonce')).toMatch(/^[\w-]{43}$/);
      const cookie = response.headers
        .getSetCookie()
        .find((line) => line.startsWith('oauth_login='));
      expect(cookie).toMatch(/HttpOnly/i);
      expect(cookie).toMatch(/Path=\/oauth/);
      expect(cookie).toMatch(/SameSite=Lax/i);
    });

    it('signs the first user in as admin, with the token cookie and the #token redirect', async () => {
      idp.loginAs = 'founder';
      const browser = new Browser(appUrl);
      const landing = await browser.deliver(await browser.startLogin());
      const token = tokenOf(landing);
      expect(browser.cookie('atrium.test', 'token')).toBe(token);
      expect(browser.cookie('atrium.test', 'oauth_id_token')).toMatch(/^ey/);
      expect(browser.cookie('atrium.test', 'oauth_login')).toBeUndefined();
      const user = await session(token);
      expect(user).toMatchObject({ email: 'founder@example.com', name: 'Founder', role: 'admin' });
    });

    it('creates users with the claimed role and groups, and syncs both at every login', async () => {
      const first = await session(tokenOf(await login('alice')));
      expect(first.role).toBe('user');
      const token = tokenOf(await login('alice'));
      expect(await groupsOf(token)).toEqual(['engineering', 'oncall']);

      const alice = idp.users.get('alice')!;
      alice.roles = ['member', 'atrium-admin'];
      const promoted = await session(tokenOf(await login('alice')));
      expect(promoted).toMatchObject({ id: first.id, role: 'admin' });

      alice.roles = ['member'];
      alice.groups = ['engineering', 'research'];
      const demotedToken = tokenOf(await login('alice'));
      expect(await session(demotedToken)).toMatchObject({ id: first.id, role: 'user' });
      expect(await groupsOf(demotedToken)).toEqual(['engineering', 'research']);
    });

    it('refuses a disallowed role, a missing claim and a foreign domain, and logs why', async () => {
      const warn = vi.spyOn(Logger.prototype, 'warn');
      try {
        expect(errorOf(await login('bob'))).toContain(MESSAGES.roleNotAllowed);
        expect(errorOf(await login('norole'))).toContain(MESSAGES.roleNotAllowed);
        expect(errorOf(await login('eve'))).toContain(MESSAGES.domainNotAllowed);
        expect(errorOf(await login('nomail'))).toContain(MESSAGES.claimMissing);
        const logged = warn.mock.calls.map(([message]) => String(message));
        for (const reason of [
          'none of the roles [visitor] in claim "realm_access.roles"',
          'roles claim "realm_access.roles" is missing',
          'email domain "elsewhere.test" of eve@elsewhere.test is not in OAUTH_ALLOWED_DOMAINS',
          'email claim "email" is missing',
        ]) {
          expect(
            logged.some(
              (line) => line.startsWith('refused sign-in with oidc') && line.includes(reason),
            ),
            reason,
          ).toBe(true);
        }
      } finally {
        warn.mockRestore();
      }
    });

    it('refuses new accounts when OAuth signup is switched off by an admin', async () => {
      const admin = tokenOf(await login('founder'));
      const off = await booted.http
        .post('/api/v1/auths/admin/config/oauth')
        .set('Authorization', `Bearer ${admin}`)
        .send({ ENABLE_OAUTH_SIGNUP: false });
      expect(off.status).toBe(200);
      expect(off.body).toMatchObject({
        ENABLE_OAUTH_SIGNUP: false,
        OAUTH_ROLES_CLAIM: 'realm_access.roles',
        OAUTH_ALLOWED_ROLES: ['member'],
        OAUTH_ADMIN_ROLES: ['atrium-admin'],
        OAUTH_ALLOWED_DOMAINS: ['example.com'],
        OAUTH_PROVIDER_NAME: 'Test IdP',
      });
      try {
        expect(errorOf(await login('carol'))).toContain(MESSAGES.signupDisabled);
        // Existing accounts still sign in.
        expect((await session(tokenOf(await login('alice')))).email).toBe('alice@example.com');
      } finally {
        await booted.http
          .post('/api/v1/auths/admin/config/oauth')
          .set('Authorization', `Bearer ${admin}`)
          .send({ ENABLE_OAUTH_SIGNUP: true });
      }
      const user = tokenOf(await login('alice'));
      const forbidden = await booted.http
        .get('/api/v1/auths/admin/config/oauth')
        .set('Authorization', `Bearer ${user}`);
      expect(forbidden.status).toBe(401);
    });

    it('refuses a replayed state, and a callback carried to another browser', async () => {
      idp.loginAs = 'alice';
      const browser = new Browser(appUrl);
      const callback = await browser.startLogin();
      const stolen = new Browser(appUrl);
      expect(errorOf(await stolen.deliver(callback))).toContain(MESSAGES.expired);
      tokenOf(await browser.deliver(callback));
      expect(errorOf(await browser.deliver(callback))).toContain(MESSAGES.expired);
    });

    it('refuses a reused authorization code under a fresh state', async () => {
      idp.loginAs = 'alice';
      const browser = new Browser(appUrl);
      const first = new URL(await browser.startLogin());
      tokenOf(await browser.deliver(first.toString()));
      const second = new URL(await browser.startLogin());
      second.searchParams.set('code', first.searchParams.get('code')!);
      expect(errorOf(await browser.deliver(second.toString()))).toContain(MESSAGES.failed);
    });

    it('refuses an expired authorization code', async () => {
      idp.loginAs = 'alice';
      idp.codeTtlSeconds = 1;
      try {
        const browser = new Browser(appUrl);
        const callback = await browser.startLogin();
        await new Promise((resolve) => setTimeout(resolve, 2_100));
        expect(errorOf(await browser.deliver(callback))).toContain(MESSAGES.failed);
      } finally {
        idp.codeTtlSeconds = 60;
      }
    });

    for (const tamper of ['signature', 'audience', 'nonce'] as const) {
      it(`refuses an ID token with a bad ${tamper}`, async () => {
        idp.tamper = tamper;
        try {
          expect(errorOf(await login('alice'))).toContain(MESSAGES.failed);
        } finally {
          idp.tamper = 'none';
        }
      });
    }

    it('accepts the legacy /oauth/{provider}/callback path', async () => {
      idp.loginAs = 'alice';
      const browser = new Browser(appUrl);
      const callback = new URL(await browser.startLogin());
      callback.pathname = '/oauth/oidc/callback';
      expect((await session(tokenOf(await browser.deliver(callback.toString())))).email).toBe(
        'alice@example.com',
      );
    });

    it('turns a provider error into a readable redirect, and unknown providers into 404', async () => {
      const browser = new Browser(appUrl);
      const callback = new URL(await browser.startLogin());
      callback.search = `?error=access_denied&state=${callback.searchParams.get('state')}`;
      expect(errorOf(await browser.deliver(callback.toString()))).toContain(MESSAGES.failed);
      for (const path of [
        '/oauth/github/login',
        '/oauth/nope/login',
        '/oauth/nope/login/callback',
      ]) {
        const response = await booted.http.get(path);
        expect(response.status).toBe(404);
        expect(response.body).toHaveProperty('detail');
      }
    });

    it('answers signout with the provider end-session URL and the ID token as hint', async () => {
      idp.loginAs = 'alice';
      const browser = new Browser(appUrl);
      const token = tokenOf(await browser.deliver(await browser.startLogin()));
      const idToken = browser.cookie('atrium.test', 'oauth_id_token')!;
      const response = await booted.http
        .get('/api/v1/auths/signout')
        .set('Cookie', [`token=${token}`, `oauth_id_token=${idToken}`]);
      expect(response.status).toBe(200);
      const redirect = new URL(response.body.redirect_url);
      expect(redirect.origin).toBe(idp.issuer);
      expect(redirect.searchParams.get('id_token_hint')).toBe(idToken);
      const plain = await booted.http.get('/api/v1/auths/signout');
      expect(plain.body).toEqual({ status: true });
    });
  });
}
