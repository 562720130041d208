/**
 * A real OpenID provider (`oidc-provider`) on a random loopback port for the OAuth suites.
 *
 * - One confidential test client (client_secret_basic), PKCE required for every request.
 * - Users are a mutable map: a test changes a user's roles/groups between two logins to check
 *   promotion, demotion and group removal. Roles sit in the nested `realm_access.roles` claim
 *   (Keycloak's shape), groups in `groups`; both are in the ID token (conformIdTokenClaims off).
 * - No login page: the interaction endpoint signs in `loginAs` and grants consent at once, so a
 *   browser-less client only follows redirects.
 * - `tamper` rewrites the next ID tokens on their way out of the token endpoint (bad signature,
 *   wrong audience, wrong nonce), and `codeTtlSeconds` shortens authorization codes.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeJwt, exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import Provider, { type Configuration, type KoaContextWithOIDC } from 'oidc-provider';

type SigningKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

export interface OidcTestUser {
  sub: string;
  /** Omit to leave the email claim out (from the ID token and userinfo). */
  email?: string;
  name: string;
  /** Keycloak-style nested roles: `realm_access.roles`. Omit to leave the claim out. */
  roles?: string[];
  groups?: string[];
}

export type IdTokenTamper = 'none' | 'signature' | 'audience' | 'nonce';

export interface OidcTestServer {
  issuer: string;
  clientId: string;
  clientSecret: string;
  users: Map<string, OidcTestUser>;
  /** The account the next interaction signs in. */
  loginAs: string;
  tamper: IdTokenTamper;
  codeTtlSeconds: number;
  close(): Promise<void>;
}

export async function startOidcServer(options: {
  redirectUris: string[];
  users: OidcTestUser[];
}): Promise<OidcTestServer> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const signingKey: JWK = {
    ...(await exportJWK(privateKey)),
    kid: 'test-key',
    alg: 'RS256',
    use: 'sig',
  };

  const httpServer: Server = createServer();
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;

  const state: OidcTestServer = {
    issuer,
    clientId: 'atrium-test',
    clientSecret: 'atrium-test-secret-0123456789abcdef',
    users: new Map(options.users.map((user) => [user.sub, user])),
    loginAs: options.users[0]?.sub ?? '',
    tamper: 'none',
    codeTtlSeconds: 60,
    close: () =>
      new Promise<void>((resolve) => {
        httpServer.closeAllConnections();
        httpServer.close(() => resolve());
      }),
  };

  const configuration: Configuration = {
    clients: [
      {
        client_id: state.clientId,
        client_secret: state.clientSecret,
        redirect_uris: options.redirectUris,
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    jwks: { keys: [signingKey] },
    cookies: { keys: ['oidc-test-cookie-key'] },
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name'],
      roles: ['realm_access', 'groups'],
    },
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    ttl: { AuthorizationCode: () => state.codeTtlSeconds, AccessToken: 300, IdToken: 300 },
    findAccount: (_ctx, id) => {
      const user = state.users.get(id);
      if (!user) return undefined;
      return {
        accountId: id,
        claims: () => ({
          sub: user.sub,
          ...(user.email ? { email: user.email, email_verified: true } : {}),
          name: user.name,
          ...(user.roles ? { realm_access: { roles: [...user.roles] } } : {}),
          ...(user.groups ? { groups: [...user.groups] } : {}),
        }),
      };
    },
  };
  const provider = new Provider(issuer, configuration);
  provider.on('server_error', (_ctx: never, error: Error) => {
    console.error('oidc test provider error', error);
  });
  provider.use(async (ctx: KoaContextWithOIDC, next: () => Promise<void>) => {
    await next();
    const body = ctx.body as { id_token?: unknown } | undefined;
    if (ctx.path === '/token' && typeof body?.id_token === 'string' && state.tamper !== 'none') {
      body.id_token = await tamperWith(body.id_token, state.tamper, privateKey);
    }
  });

  const providerHandler = provider.callback();
  httpServer.on('request', (request: IncomingMessage, response: ServerResponse) => {
    if (request.url?.startsWith('/interaction/')) {
      void finishInteraction(provider, state, request, response);
      return;
    }
    void providerHandler(request, response);
  });
  return state;
}

/** Signs in `loginAs` and grants what the client asked for, without any page. */
async function finishInteraction(
  provider: Provider,
  state: OidcTestServer,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  try {
    const details = await provider.interactionDetails(request, response);
    const { prompt, params, session } = details;
    if (prompt.name === 'login') {
      await provider.interactionFinished(
        request,
        response,
        { login: { accountId: state.loginAs } },
        { mergeWithLastSubmission: false },
      );
      return;
    }
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({
          accountId: session?.accountId,
          clientId: String(params.client_id),
        });
    if (!grant) throw new Error('grant vanished');
    const missing = prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[] };
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    const grantId = await grant.save();
    await provider.interactionFinished(
      request,
      response,
      { consent: { grantId } },
      { mergeWithLastSubmission: true },
    );
  } catch (error) {
    response.statusCode = 500;
    response.end(`interaction failed: ${(error as Error).message}`);
  }
}

async function tamperWith(
  idToken: string,
  mode: IdTokenTamper,
  privateKey: SigningKey,
): Promise<string> {
  const claims = decodeJwt(idToken);
  if (mode === 'signature') {
    // Same header and signature, claims changed: a forged promotion.
    const [header, , signature] = idToken.split('.');
    const forged = { ...claims, realm_access: { roles: ['admin'] } };
    return `${header}.${Buffer.from(JSON.stringify(forged)).toString('base64url')}.${signature}`;
  }
  const changed =
    mode === 'audience' ? { ...claims, aud: 'some-other-client' } : { ...claims, nonce: 'not-it' };
  return new SignJWT(changed)
    .setProtectedHeader({ alg: 'RS256', kid: 'test-key', typ: 'JWT' })
    .sign(privateKey);
}
