import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsersService } from '@atrium/users';
import { bootApp, type BootedApp } from './harness/boot-app.js';

const PUBLIC_FEATURE_KEYS = [
  'auth',
  'auth_trusted_header',
  'enable_ldap',
  'enable_login_form',
  'enable_signup',
  'enable_signup_password_confirmation',
  'enable_websocket',
  'slim',
].sort();

describe('GET /api/config', () => {
  let booted: BootedApp;

  beforeAll(async () => {
    booted = await bootApp({
      env: { WEBUI_NAME: 'Acme Chat', ENABLE_SIGNUP_PASSWORD_CONFIRMATION: 'true' },
    });
  });
  afterAll(async () => {
    await booted?.close();
  });

  it('gives an anonymous caller exactly the public block, with onboarding while no user exists', async () => {
    const response = await booted.http.get('/api/config').expect(200);
    expect(response.headers['cache-control']).toBe('no-store');
    const body = response.body;
    expect(Object.keys(body).sort()).toEqual(
      [
        'default_locale',
        'features',
        'i18n',
        'name',
        'oauth',
        'onboarding',
        'status',
        'version',
      ].sort(),
    );
    expect(body).toMatchObject({
      onboarding: true,
      status: true,
      name: 'Acme Chat',
      default_locale: '',
      i18n: {},
      oauth: { providers: {}, auto_redirect: false },
    });
    expect(body.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(Object.keys(body.features).sort()).toEqual(PUBLIC_FEATURE_KEYS);
    expect(body.features).toMatchObject({
      auth: true,
      enable_signup: true,
      enable_login_form: true,
      enable_signup_password_confirmation: true,
      enable_websocket: true,
    });
  });

  it('drops onboarding as soon as a user exists', async () => {
    await booted.app
      .get(UsersService)
      .create({ email: 'first@example.com', name: 'First', role: 'admin' });
    const body = (await booted.http.get('/api/config').expect(200)).body;
    expect(body).not.toHaveProperty('onboarding');
    expect(body.status).toBe(true);
  });
});

const VERIFIED_KEYS = [
  'audio',
  'code',
  'default_models',
  'default_pinned_models',
  'default_prompt_suggestions',
  'default_prompt_suggestions_i18n',
  'file',
  'google_drive',
  'license_metadata',
  'onedrive',
  'permissions',
  'ui',
];
const TOP_LEVEL = ['default_locale', 'features', 'i18n', 'name', 'oauth', 'status', 'version'];

describe('GET /api/config and /api/version/updates with real sessions', () => {
  let booted: BootedApp;
  let adminToken: string;
  let pendingToken: string;

  beforeAll(async () => {
    booted = await bootApp({
      env: { PENDING_USER_OVERLAY_TITLE: 'Please wait', PENDING_USER_OVERLAY_CONTENT: 'Soon.' },
    });
    const admin = await booted.http
      .post('/api/v1/auths/signup')
      .send({ name: 'Ada', email: 'ada@example.com', password: 'correct horse battery' })
      .expect(200);
    expect(admin.body.role).toBe('admin');
    adminToken = admin.body.token;
    const pending = await booted.http
      .post('/api/v1/auths/add')
      .set('Authorization', `Bearer ${adminToken}`)
      .send({
        name: 'Pat',
        email: 'pat@example.com',
        password: 'another good one',
        role: 'pending',
      })
      .expect(200);
    pendingToken = pending.body.token;
  });
  afterAll(async () => {
    await booted?.close();
  });

  it('a verified caller (Bearer or the token cookie) gets the extended block', async () => {
    for (const call of [
      booted.http.get('/api/config').set('Authorization', `Bearer ${adminToken}`),
      booted.http.get('/api/config').set('Cookie', `token=${adminToken}`),
    ]) {
      const body = (await call.expect(200)).body;
      expect(Object.keys(body).sort()).toEqual([...TOP_LEVEL, ...VERIFIED_KEYS].sort());
      expect(body.features.enable_signup).toBe(false); // the first signup turned it off
      expect(body.features).toHaveProperty('enable_api_keys');
      expect(body.permissions.chat.delete).toBe(true);
      expect(body.ui.pending_user_overlay_title).toBe('Please wait');
    }
  });

  it('a pending caller gets the signed-in features and only the overlay texts', async () => {
    const body = (
      await booted.http
        .get('/api/config')
        .set('Authorization', `Bearer ${pendingToken}`)
        .expect(200)
    ).body;
    expect(Object.keys(body).sort()).toEqual([...TOP_LEVEL, 'ui'].sort());
    expect(body.features).toHaveProperty('enable_folders');
    expect(body.ui).toEqual({
      pending_user_overlay_title: 'Please wait',
      pending_user_overlay_content: 'Soon.',
    });
  });

  it('an invalid token is a 401, not the anonymous block', async () => {
    await booted.http.get('/api/config').set('Authorization', 'Bearer nonsense').expect(401);
  });

  it('/api/version/updates: verified only; without a release feed latest = current', async () => {
    const updates = await booted.http
      .get('/api/version/updates')
      .set('Authorization', `Bearer ${adminToken}`)
      .expect(200);
    expect(updates.body).toEqual({ current: updates.body.current, latest: updates.body.current });
    await booted.http
      .get('/api/version/updates')
      .set('Authorization', `Bearer ${pendingToken}`)
      .expect(401);
    await booted.http.get('/api/version/updates').expect(403);
  });
});

describe('GET /api/version, /api/changelog', () => {
  let booted: BootedApp;

  beforeAll(async () => {
    booted = await bootApp({ env: { WEBUI_NAME: 'Acme Chat' } });
  });
  afterAll(async () => {
    await booted?.close();
  });

  it('/api/version gives the package version and a stable deployment id', async () => {
    const first = (await booted.http.get('/api/version').expect(200)).body;
    expect(Object.keys(first).sort()).toEqual(['deployment_id', 'version']);
    expect(first.version).toBe((await booted.http.get('/api/config')).body.version);
    expect(first.deployment_id).toMatch(/^[0-9a-f]{16}$/);
    const other = await bootApp();
    try {
      // Another instance of the same build must agree, or every reconnect would reload the page.
      expect((await other.http.get('/api/version').expect(200)).body).toEqual(first);
    } finally {
      await other.close();
    }
  });

  it('/api/changelog maps versions to {date, sections of {title, content, raw}}', async () => {
    const body = (await booted.http.get('/api/changelog').expect(200)).body;
    const versions = Object.keys(body);
    expect(versions.length).toBeGreaterThan(0);
    expect(versions.length).toBeLessThanOrEqual(5);
    for (const version of versions) {
      expect(body[version].date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      for (const [section, items] of Object.entries(body[version])) {
        if (section === 'date') continue;
        for (const item of items as { title: string; content: string; raw: string }[]) {
          expect(Object.keys(item).sort()).toEqual(['content', 'raw', 'title']);
        }
      }
    }
  });
});
