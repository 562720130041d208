import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootApp, type BootedApp } from './harness/boot-app.js';
import { describeRoute, listRoutes, type RouteEntry } from './harness/route-table.js';

/**
 * Every route with the access its decorator declares, checked against the committed table
 * (route-access.txt): a new route cannot ship without a conscious access decision. Then each
 * protected route is called without a token, as a pending user and as a plain user, and must
 * refuse as Open WebUI does (403 Not authenticated; 401 for a role that is too low).
 */
describe('route access table', () => {
  let booted: BootedApp;
  let routes: RouteEntry[];
  const tokens: Record<'admin' | 'user' | 'pending', string> = { admin: '', user: '', pending: '' };

  beforeAll(async () => {
    booted = await bootApp({ env: { ENV: 'prod' } });
    routes = listRoutes(booted.app);
    const admin = await booted.http
      .post('/api/v1/auths/signup')
      .send({ name: 'Admin', email: 'admin@example.com', password: 'admin-password' })
      .expect(200);
    tokens.admin = (admin.body as { token: string }).token;
    for (const role of ['user', 'pending'] as const) {
      const added = await booted.http
        .post('/api/v1/auths/add')
        .set('Authorization', `Bearer ${tokens.admin}`)
        .send({ name: role, email: `${role}@example.com`, password: `${role}-password`, role })
        .expect(200);
      tokens[role] = (added.body as { token: string }).token;
    }
  });

  afterAll(async () => {
    await booted?.close();
  });

  it('declares an access requirement on every route and matches the reviewed table', async () => {
    expect(routes.length).toBeGreaterThan(40);
    const missing = routes.filter((route) => !route.requirement).map(describeRoute);
    expect(missing).toEqual([]);
    await expect(routes.map(describeRoute).join('\n') + '\n').toMatchFileSnapshot(
      'route-access.txt',
    );
  });

  const call = (route: RouteEntry, token?: string) => {
    const path = route.path.replace(/:[A-Za-z_]+/g, () => randomUUID());
    const method = route.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete';
    const request = booted.http[method](path);
    return token ? request.set('Authorization', `Bearer ${token}`) : request;
  };

  it('refuses every protected route without a token (403 Not authenticated)', async () => {
    for (const route of routes.filter((entry) => entry.requirement?.level !== 'public')) {
      const response = await call(route);
      expect({
        route: describeRoute(route),
        status: response.status,
        body: response.body as unknown,
      }).toEqual({
        route: describeRoute(route),
        status: 403,
        body: { detail: 'Not authenticated' },
      });
    }
  });

  it('refuses pending users on verified and admin routes (401)', async () => {
    const guarded = routes.filter((entry) =>
      ['verified', 'admin'].includes(entry.requirement?.level ?? ''),
    );
    expect(guarded.length).toBeGreaterThan(20);
    for (const route of guarded) {
      const response = await call(route, tokens.pending);
      expect({ route: describeRoute(route), status: response.status }).toEqual({
        route: describeRoute(route),
        status: 401,
      });
    }
  });

  it('refuses plain users on admin routes (401)', async () => {
    const adminOnly = routes.filter((entry) => entry.requirement?.level === 'admin');
    expect(adminOnly.length).toBeGreaterThan(10);
    for (const route of adminOnly) {
      const response = await call(route, tokens.user);
      expect({ route: describeRoute(route), status: response.status }).toEqual({
        route: describeRoute(route),
        status: 401,
      });
    }
  });

  it('lets pending users reach the routes open to any signed-in user', async () => {
    const session = await booted.http
      .get('/api/v1/auths/')
      .set('Authorization', `Bearer ${tokens.pending}`)
      .expect(200);
    expect((session.body as { role: string }).role).toBe('pending');
  });
});
