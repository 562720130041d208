/**
 * Trusted reverse-proxy headers (WEBUI_AUTH_TRUSTED_*): sign-in and auto-signup from the
 * headers, role and group sync, the per-request user check (401 on mismatch), and the refused
 * password change. SQLite: the logic does not depend on the engine.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorMessages } from '@atrium/common';
import { GroupsService, UsersService } from '@atrium/users';
import { bootApp, type BootedApp } from './harness/boot-app.js';

const EMAIL = 'X-Forwarded-Email';
const NAME = 'X-Forwarded-User';
const GROUPS = 'X-Forwarded-Groups';
const ROLE = 'X-Forwarded-Role';

describe('trusted headers', () => {
  let booted: BootedApp;
  let groups: GroupsService;
  let users: UsersService;
  let adminToken: string;

  const signin = (headers: Record<string, string>) =>
    booted.http.post('/api/v1/auths/signin').set(headers).send({ email: '', password: '' });
  const groupNames = async (userId: string) =>
    (await groups.getGroupsForUser(userId)).map((group) => group.name).sort();

  beforeAll(async () => {
    booted = await bootApp({
      env: {
        WEBUI_AUTH_TRUSTED_EMAIL_HEADER: EMAIL,
        WEBUI_AUTH_TRUSTED_NAME_HEADER: NAME,
        WEBUI_AUTH_TRUSTED_GROUPS_HEADER: GROUPS,
        WEBUI_AUTH_TRUSTED_ROLE_HEADER: ROLE,
        DEFAULT_USER_ROLE: 'pending',
      },
    });
    groups = booted.app.get(GroupsService);
    users = booted.app.get(UsersService);
  });

  afterAll(async () => {
    await booted?.close();
  });

  it('refuses a sign-in without the email header', async () => {
    await signin({}).expect(400, { detail: 'Invalid trusted header configuration.' });
    await signin({ [EMAIL]: 'not-an-email' }).expect(400, {
      detail: ErrorMessages.INVALID_EMAIL_FORMAT,
    });
  });

  it('signs up the first proxy user as admin, with the session answer and cookie', async () => {
    const response = await signin({ [EMAIL]: 'Boss@Example.com', [NAME]: 'The Boss' }).expect(200);
    expect(response.body).toMatchObject({
      email: 'boss@example.com',
      name: 'The Boss',
      role: 'admin',
    });
    expect(String(response.headers['set-cookie'])).toContain('token=');
    adminToken = response.body.token as string;
    const config = await booted.http.get('/api/config').expect(200);
    expect(config.body.features.auth_trusted_header).toBe(true);
    // The same person again is the same user.
    const again = await signin({ [EMAIL]: 'boss@example.com' }).expect(200);
    expect(again.body.id).toBe(response.body.id);
  });

  it('auto-signs-up later users with DEFAULT_USER_ROLE even with signup off, and syncs existing groups', async () => {
    const boss = (await users.findByEmail('boss@example.com'))!;
    await groups.createGroup(boss.id, { name: 'eng' });
    await groups.createGroup(boss.id, { name: 'Ops' });
    const response = await signin({
      [EMAIL]: 'dev@example.com',
      [GROUPS]: 'eng, ops ,unknown',
    }).expect(200);
    expect(response.body).toMatchObject({ name: 'dev@example.com', role: 'pending' });
    // Exact names: "ops" is not "Ops"; groups are never created from the header.
    expect(await groupNames(response.body.id as string)).toEqual(['eng']);
    await signin({ [EMAIL]: 'dev@example.com', [GROUPS]: 'Ops' }).expect(200);
    expect(await groupNames(response.body.id as string)).toEqual(['Ops']);
    // No groups header: memberships left alone (Open WebUI).
    await signin({ [EMAIL]: 'dev@example.com' }).expect(200);
    expect(await groupNames(response.body.id as string)).toEqual(['Ops']);
  });

  it('sets the role from the role header, promotion and demotion, never demoting the primary admin', async () => {
    const up = await signin({ [EMAIL]: 'dev@example.com', [ROLE]: 'Admin' }).expect(200);
    expect(up.body.role).toBe('admin');
    const down = await signin({ [EMAIL]: 'dev@example.com', [ROLE]: 'user' }).expect(200);
    expect(down.body.role).toBe('user');
    const ignored = await signin({ [EMAIL]: 'dev@example.com', [ROLE]: 'superuser' }).expect(200);
    expect(ignored.body.role).toBe('user');
    const boss = await signin({ [EMAIL]: 'boss@example.com', [ROLE]: 'user' }).expect(200);
    expect(boss.body.role).toBe('admin');
  });

  it('answers 401 and clears the cookie when the token belongs to someone else than the header', async () => {
    const bearer = { Authorization: `Bearer ${adminToken}` };
    await booted.http.get('/api/v1/auths/').set(bearer).set(EMAIL, 'boss@example.com').expect(200);
    // No header at all (e.g. an internal call): the token decides, as in Open WebUI.
    await booted.http.get('/api/v1/auths/').set(bearer).expect(200);
    const mismatch = await booted.http
      .get('/api/v1/auths/')
      .set(bearer)
      .set(EMAIL, 'dev@example.com')
      .expect(401);
    expect(mismatch.body).toEqual({ detail: 'User mismatch. Please sign in again.' });
    expect(String(mismatch.headers['set-cookie'])).toMatch(/token=;/);
    // Also through the cookie and on an admin route.
    await booted.http
      .get('/api/v1/users/')
      .set('Cookie', `token=${adminToken}`)
      .set(EMAIL, 'dev@example.com')
      .expect(401);
  });

  it('refuses password changes behind the proxy', async () => {
    await booted.http
      .post('/api/v1/auths/update/password')
      .set('Authorization', `Bearer ${adminToken}`)
      .set(EMAIL, 'boss@example.com')
      .send({ password: 'x', new_password: 'Another-Passw0rd!' })
      .expect(400, { detail: ErrorMessages.ACTION_PROHIBITED });
  });
});
