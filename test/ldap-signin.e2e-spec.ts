/**
 * LDAP sign-in against a real OpenLDAP slapd started for this suite (test/support/slapd.ts):
 * sessions and cookie like /signin, first user admin, escaped filters (injection attempts),
 * special characters, nested and cyclic groups, group creation/removal, profile refresh,
 * StartTLS and LDAPS with a self-signed CA, a dead or silent directory, the admin config routes
 * and the audit trail. SQLite only: the directory logic does not depend on the engine (the
 * group sync itself runs on every engine in directory-group-sync.e2e-spec.ts).
 */
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Attribute, Change, Client } from 'ldapts';
import { SettingsService } from '@atrium/settings';
import { GroupsService, UsersService } from '@atrium/users';
import { bootApp, type BootedApp } from './harness/boot-app.js';
import {
  APP_DN,
  APP_PASSWORD,
  BASE_DN,
  LDAP_USERS,
  PEOPLE_DN,
  slapdUnavailableReason,
  startSlapd,
  userDn,
  type TestSlapd,
} from './support/slapd.js';

const unavailable = slapdUnavailableReason();
if (unavailable)
  console.warn(`\n*** SKIPPED: LDAP sign-in tests do not run because ${unavailable}. ***\n`);

describe.skipIf(unavailable !== undefined)('LDAP sign-in against slapd', () => {
  let slapd: TestSlapd;
  let booted: BootedApp;
  let settings: SettingsService;
  let groups: GroupsService;
  let users: UsersService;
  let adminToken: string;

  const ldap = (user: string, password: string) =>
    booted.http.post('/api/v1/auths/ldap').send({ user, password });
  const groupNames = async (userId: string) =>
    (await groups.getGroupsForUser(userId)).map((group) => group.name).sort();
  const asAdmin = (method: 'get' | 'post', path: string) =>
    booted.http[method](path).set('Authorization', `Bearer ${adminToken}`);

  beforeAll(async () => {
    slapd = await startSlapd();
    booted = await bootApp({
      env: {
        ENABLE_LDAP: 'true',
        LDAP_SERVER_HOST: slapd.host,
        LDAP_SERVER_PORT: String(slapd.port),
        LDAP_USE_TLS: 'false',
        LDAP_APP_DN: APP_DN,
        LDAP_APP_PASSWORD: APP_PASSWORD,
        LDAP_SEARCH_BASE: PEOPLE_DN,
        LDAP_SEARCH_FILTERS: '(objectClass=inetOrgPerson)',
        ENABLE_LDAP_GROUP_MANAGEMENT: 'true',
        ENABLE_LDAP_GROUP_CREATION: 'true',
        DEFAULT_USER_ROLE: 'user',
        LDAP_TIMEOUT_SECONDS: '2',
      },
    });
    settings = booted.app.get(SettingsService);
    groups = booted.app.get(GroupsService);
    users = booted.app.get(UsersService);
  }, 60_000);

  afterAll(async () => {
    await booted?.close();
    await slapd?.stop();
  });

  it('signs the first directory user in as admin, with the /signin answer and the token cookie', async () => {
    const response = await ldap('BOB', LDAP_USERS.bob.password).expect(200);
    expect(response.body).toMatchObject({
      token_type: 'Bearer',
      email: 'bob@example.org',
      name: 'Bob Brown',
      role: 'admin',
    });
    expect(typeof response.body.token).toBe('string');
    expect(response.body.permissions).toBeTypeOf('object');
    const cookie = String(response.headers['set-cookie']);
    expect(cookie).toContain(`token=${response.body.token as string}`);
    expect(cookie).toContain('HttpOnly');
    adminToken = response.body.token as string;
    const config = await booted.http.get('/api/config').expect(200);
    expect(config.body.features.enable_ldap).toBe(true);
    const session = await booted.http
      .get('/api/v1/auths/')
      .set('Authorization', `Bearer ${adminToken}`)
      .expect(200);
    expect(session.body.email).toBe('bob@example.org');
    // Open WebUI leaves an admin's groups alone.
    expect(await groupNames(response.body.id as string)).toEqual([]);
  });

  it('creates later users with DEFAULT_USER_ROLE and syncs nested groups (3 levels)', async () => {
    const response = await ldap('alice', LDAP_USERS.alice.password).expect(200);
    expect(response.body.role).toBe('user');
    expect(await groupNames(response.body.id as string)).toEqual([
      'engineers',
      'everyone',
      'staff',
    ]);
  });

  it('stops at cycles in group nesting', async () => {
    const started = Date.now();
    const response = await ldap('carol', LDAP_USERS.carol.password).expect(200);
    expect(await groupNames(response.body.id as string)).toEqual(['loop-a', 'loop-b']);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('refuses a wrong or empty password with Open WebUI details', async () => {
    const wrong = await ldap('alice', 'not-her-password').expect(400);
    expect(wrong.body).toEqual({ detail: 'Authentication failed.' });
    // An empty password would be an "unauthenticated bind" that slapd accepts.
    const empty = await ldap('alice', '').expect(400);
    expect(empty.body).toEqual({ detail: 'Authentication failed.' });
    await ldap('nobody', 'x').expect(400, { detail: 'User not found in the LDAP server' });
  });

  it('escapes the user name: filter injection matches nobody', async () => {
    for (const attempt of ['*)(uid=*', '*', 'alice)(|(uid=*', 'al*', 'alice\\2a']) {
      const response = await ldap(attempt, LDAP_USERS.alice.password);
      expect(response.status, attempt).toBe(400);
      expect(response.body.detail, attempt).toBe('User not found in the LDAP server');
    }
  });

  it('signs in a user whose uid holds filter metacharacters and whose name has a comma and accent', async () => {
    const response = await ldap(LDAP_USERS.dana.uid, LDAP_USERS.dana.password).expect(200);
    expect(response.body).toMatchObject({ email: 'dana@example.org', name: LDAP_USERS.dana.cn });
  });

  it('refuses an entry without mail', async () => {
    await ldap('nomail', LDAP_USERS.nomail.password).expect(400, {
      detail: 'User does not have a valid email address.',
    });
  });

  it('follows the directory on the next sign-in: removal, no creation when off, new name and email', async () => {
    const alice = (await users.findByEmail('alice@example.org'))!;
    const manual = await groups.createGroup(alice.id, { name: 'manual' });
    await groups.addUsers(manual.id, [alice.id]);
    await settings.update({ 'ldap.server.enable_group_creation': false });
    await groups.deleteGroup(
      (await groups.getGroupsForUser(alice.id)).find((g) => g.name === 'staff')!.id,
    );
    await modifyEntry(userDn('alice'), { mail: 'alice.anders@example.org', cn: 'Alice A. Anders' });
    try {
      const response = await ldap('alice', LDAP_USERS.alice.password).expect(200);
      expect(response.body).toMatchObject({
        id: alice.id,
        email: 'alice.anders@example.org',
        name: 'Alice A. Anders',
      });
      // "manual" is gone (not in the directory); "staff" was deleted and is not re-created.
      expect(await groupNames(alice.id)).toEqual(['engineers', 'everyone']);
    } finally {
      await settings.update({ 'ldap.server.enable_group_creation': true });
      await modifyEntry(userDn('alice'), { mail: LDAP_USERS.alice.mail, cn: LDAP_USERS.alice.cn });
    }
    const again = await ldap('alice', LDAP_USERS.alice.password).expect(200);
    expect(again.body).toMatchObject({ id: alice.id, email: 'alice@example.org' });
    expect(await groupNames(alice.id)).toEqual(['engineers', 'everyone', 'staff']);
  });

  it('still signs in, groups untouched, when the group lookup fails (wrong group base)', async () => {
    const config = booted.config.ldap as { groupSearchBase?: string };
    config.groupSearchBase = 'ou=missing,dc=example,dc=org';
    try {
      const response = await ldap('carol', LDAP_USERS.carol.password).expect(200);
      expect(await groupNames(response.body.id as string)).toEqual(['loop-a', 'loop-b']);
    } finally {
      config.groupSearchBase = undefined;
    }
  });

  it('works over StartTLS and LDAPS with the CA file; refuses an untrusted certificate unless validation is off', async () => {
    const config = booted.config.ldap as { tlsMode: string };
    const base = { use_tls: true, certificate_path: slapd.caFile, validate_cert: true };
    try {
      config.tlsMode = 'starttls';
      await setServer({ ...base, port: slapd.port });
      await ldap('carol', LDAP_USERS.carol.password).expect(200);
      config.tlsMode = 'ldaps';
      await setServer({ ...base, port: slapd.tlsPort });
      await ldap('carol', LDAP_USERS.carol.password).expect(200);
      await setServer({ ...base, port: slapd.tlsPort, ciphers: 'ECDHE-RSA-AES128-GCM-SHA256' });
      await ldap('carol', LDAP_USERS.carol.password).expect(200);
      await setServer({ ...base, port: slapd.tlsPort, certificate_path: slapd.otherCaFile });
      const refused = await ldap('carol', LDAP_USERS.carol.password).expect(503);
      expect(refused.body.detail).toMatch(/^The LDAP server is unavailable: .*certificate/);
      await setServer({
        ...base,
        port: slapd.tlsPort,
        certificate_path: slapd.otherCaFile,
        validate_cert: false,
      });
      await ldap('carol', LDAP_USERS.carol.password).expect(200);
      await setServer({ ...base, port: slapd.tlsPort, certificate_path: '/nonexistent/ca.pem' });
      await ldap('carol', LDAP_USERS.carol.password).expect(400, {
        detail: 'Failed to configure TLS for LDAP connection.',
      });
    } finally {
      config.tlsMode = 'auto';
      await setServer({ use_tls: false, port: slapd.port });
    }
  });

  it('answers 503 quickly when the directory is down or never answers', async () => {
    const closedPort = await closedLoopbackPort();
    await setServer({ use_tls: false, port: closedPort });
    let started = Date.now();
    const down = await ldap('carol', LDAP_USERS.carol.password).expect(503);
    expect(down.body.detail).toMatch(/^The LDAP server is unavailable/);
    expect(Date.now() - started).toBeLessThan(3000);

    const silent = await silentServer();
    try {
      await setServer({ use_tls: false, port: silent.port });
      started = Date.now();
      await ldap('carol', LDAP_USERS.carol.password).expect(503);
      const elapsed = Date.now() - started;
      // LDAP_TIMEOUT_SECONDS=2: bounded by the timeout, not hanging.
      expect(elapsed).toBeGreaterThanOrEqual(1500);
      expect(elapsed).toBeLessThan(5000);
    } finally {
      await silent.close();
      await setServer({ use_tls: false, port: slapd.port });
    }
    await ldap('carol', LDAP_USERS.carol.password).expect(200);
  }, 20_000);

  it('refuses a wrong application account', async () => {
    await setServer({ use_tls: false, port: slapd.port, app_dn_password: 'wrong' });
    try {
      await ldap('carol', LDAP_USERS.carol.password).expect(400, {
        detail: 'Application account bind failed',
      });
    } finally {
      await setServer({ use_tls: false, port: slapd.port });
    }
  });

  it('admin config: switch and server form, admin only, required fields', async () => {
    const dana = await ldap(LDAP_USERS.dana.uid, LDAP_USERS.dana.password).expect(200);
    await booted.http
      .get('/api/v1/auths/admin/config/ldap')
      .set('Authorization', `Bearer ${dana.body.token as string}`)
      .expect(401);
    await booted.http.get('/api/v1/auths/admin/config/ldap/server').expect(403);
    const server = await asAdmin('get', '/api/v1/auths/admin/config/ldap/server').expect(200);
    expect(server.body).toMatchObject({
      host: slapd.host,
      port: slapd.port,
      app_dn: APP_DN,
      search_base: PEOPLE_DN,
      search_filters: '(objectClass=inetOrgPerson)',
      attribute_for_username: 'uid',
      attribute_for_mail: 'mail',
      use_tls: false,
      validate_cert: true,
      ciphers: 'ALL',
    });
    await asAdmin('post', '/api/v1/auths/admin/config/ldap/server')
      .send({ ...server.body, search_base: '' })
      .expect(400, { detail: 'Required field search_base is empty' });
    await asAdmin('post', '/api/v1/auths/admin/config/ldap/server')
      .send({ ...server.body, port: 'x' })
      .expect(422);

    await asAdmin('get', '/api/v1/auths/admin/config/ldap').expect(200, { ENABLE_LDAP: true });
    await asAdmin('post', '/api/v1/auths/admin/config/ldap')
      .send({ enable_ldap: false })
      .expect(200, { ENABLE_LDAP: false });
    try {
      await ldap(LDAP_USERS.dana.uid, LDAP_USERS.dana.password).expect(400, {
        detail: 'LDAP authentication is not enabled',
      });
    } finally {
      await asAdmin('post', '/api/v1/auths/admin/config/ldap')
        .send({ enable_ldap: true })
        .expect(200);
    }
    await ldap(LDAP_USERS.dana.uid, LDAP_USERS.dana.password).expect(200);
  });

  it('rate-limits attempts per directory user name (429 after 15 within 3 minutes)', async () => {
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 16; attempt++)
      statuses.push((await ldap('Ghost', 'whatever')).status);
    expect(statuses.slice(0, 15).every((status) => status === 400)).toBe(true);
    expect(statuses[15]).toBe(429);
  });

  it('validates the body (422) and records failed LDAP sign-ins in the audit trail', async () => {
    await booted.http.post('/api/v1/auths/ldap').send({ user: 'alice' }).expect(422);
    await ldap('Dana(ops)*', 'definitely-wrong').expect(400);
    await new Promise((resolve) => setTimeout(resolve, 50)); // recorded after the response
    const trail = await asAdmin('get', '/api/v1/audit/events?limit=100').expect(200);
    const items = trail.body.items as { action: string; actor_email: string | null }[];
    expect(items).toContainEqual(
      expect.objectContaining({ action: 'auth.signin_failed', actor_email: 'dana(ops)*' }),
    );
    expect(JSON.stringify(items)).not.toContain('definitely-wrong');
    // Admin changes of the LDAP settings are audited, the application password masked.
    expect(items.some((item) => item.action === 'config.ldap_updated')).toBe(true);
    expect(JSON.stringify(items)).not.toContain(APP_PASSWORD);
  });

  async function setServer(changes: Record<string, unknown>): Promise<void> {
    const current = await asAdmin('get', '/api/v1/auths/admin/config/ldap/server').expect(200);
    await asAdmin('post', '/api/v1/auths/admin/config/ldap/server')
      .send({
        ...current.body,
        app_dn_password: APP_PASSWORD,
        certificate_path: '',
        ciphers: 'ALL',
        validate_cert: true,
        ...changes,
      })
      .expect(200);
  }

  async function modifyEntry(dn: string, values: Record<string, string>): Promise<void> {
    const client = new Client({ url: `ldap://${slapd.host}:${slapd.port}`, timeout: 5000 });
    try {
      await client.bind(`cn=admin,${BASE_DN}`, 'admin-secret');
      await client.modify(
        dn,
        Object.entries(values).map(
          ([type, value]) =>
            new Change({
              operation: 'replace',
              modification: new Attribute({ type, values: [value] }),
            }),
        ),
      );
    } finally {
      await client.unbind();
    }
  }
});

/** A loopback port nothing listens on (connection refused). */
async function closedLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Accepts TCP connections and never answers (a hung directory). */
async function silentServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
