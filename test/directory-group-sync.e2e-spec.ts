/**
 * DirectoryGroupSync (the shared LDAP/OAuth/trusted-header group sync) against the real
 * repositories on every configured engine: exact membership, removal, creation, exact names.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirectoryGroupSync, GroupsService } from '@atrium/users';
import { bootApp, type BootedApp } from './harness/boot-app.js';
import {
  createTestDatabase,
  engineMatrix,
  warnSkipped,
  type TestDatabase,
} from './support/test-databases.js';

for (const { engine, enabled, variable } of engineMatrix()) {
  if (!enabled) warnSkipped(`directory group sync on ${engine}`, variable);

  describe.skipIf(!enabled)(`directory group sync on ${engine}`, () => {
    let database: TestDatabase;
    let booted: BootedApp;
    let sync: DirectoryGroupSync;
    let groups: GroupsService;
    let userId: string;
    let adminId: string;

    const namesOf = async (id: string) =>
      (await groups.getGroupsForUser(id)).map((group) => group.name).sort();

    beforeAll(async () => {
      database = await createTestDatabase(engine);
      booted = await bootApp({ env: { DATABASE_URL: database.url } });
      sync = booted.app.get(DirectoryGroupSync);
      groups = booted.app.get(GroupsService);
      const admin = await booted.http
        .post('/api/v1/auths/signup')
        .send({ name: 'Admin', email: 'admin@example.com', password: 'Passw0rd!secret' })
        .expect(200);
      adminId = admin.body.id as string;
      const user = await booted.http
        .post('/api/v1/auths/add')
        .set({ Authorization: `Bearer ${admin.body.token as string}` })
        .send({ name: 'U', email: 'u@example.com', password: 'Passw0rd!secret', role: 'user' })
        .expect(200);
      userId = user.body.id as string;
      for (const name of ['Engineering', 'Sales', 'Admins', 'engineering'])
        await groups.createGroup(adminId, { name });
    });

    afterAll(async () => {
      await booted?.close();
      await database?.drop();
    });

    it('joins exactly the named existing groups, names compared exactly, without creating', async () => {
      const result = await sync.syncUserGroups(userId, ['Engineering', 'Sales', 'Unknown'], {
        createMissing: false,
        source: 'ldap',
      });
      expect(result.added.sort()).toEqual(['Engineering', 'Sales']);
      expect(result.removed).toEqual([]);
      expect(result.created).toEqual([]);
      expect(await namesOf(userId)).toEqual(['Engineering', 'Sales']);
      expect((await groups.listGroups({ id: adminId, role: 'admin' })).length).toBe(4);
    });

    it('removes the groups no longer named and creates missing ones when asked', async () => {
      const result = await sync.syncUserGroups(userId, ['Sales', 'Research'], {
        createMissing: true,
        source: 'oauth',
      });
      expect(result).toEqual({
        added: ['Research'],
        removed: ['Engineering'],
        created: ['Research'],
      });
      expect(await namesOf(userId)).toEqual(['Research', 'Sales']);
      const research = (await groups.listGroups({ id: adminId, role: 'admin' })).find(
        (group) => group.name === 'Research',
      );
      expect(research?.description).toBe("Group 'Research' created automatically via OAuth.");
    });

    it('is idempotent and does not create a group twice', async () => {
      const result = await sync.syncUserGroups(userId, ['Sales', 'Research'], {
        createMissing: true,
        source: 'oauth',
      });
      expect(result).toEqual({ added: [], removed: [], created: [] });
      const all = await groups.listGroups({ id: adminId, role: 'admin' });
      expect(all.filter((group) => group.name === 'Research')).toHaveLength(1);
    });

    it('an empty list leaves the user in no group', async () => {
      const result = await sync.syncUserGroups(userId, [], {
        createMissing: true,
        source: 'header',
      });
      expect(result.removed.sort()).toEqual(['Research', 'Sales']);
      expect(await namesOf(userId)).toEqual([]);
    });
  });
}
