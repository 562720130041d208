import { beforeEach, describe, expect, it, vi } from 'vitest';
import { Logger } from '@nestjs/common';
import type { ModuleRef } from '@nestjs/core';
import type { AppConfig } from '@atrium/config';
import type { GroupsService } from './groups.service.js';
import { PASSWORD_UPDATER } from './password-updater.js';
import type { PermissionsService } from './permissions.service.js';
import { SHARED_CHAT_OWNER_LOOKUP } from './shared-chat-owner-lookup.js';
import { UserAccountsService } from './user-accounts.service.js';
import type { UserRecord } from './user.model.js';
import type { UsersService } from './users.service.js';

function user(id: string, overrides: Partial<UserRecord> = {}): UserRecord {
  return {
    id,
    email: `${id}@example.com`,
    username: null,
    name: id,
    role: 'user',
    profileImageUrl: '/user.png',
    bio: null,
    gender: null,
    dateOfBirth: null,
    timezone: null,
    info: null,
    settings: null,
    oauthSub: null,
    lastActiveAt: 0,
    updatedAt: 0,
    createdAt: 0,
    ...overrides,
  };
}

describe('UserAccountsService', () => {
  const records = new Map<string, UserRecord>();
  let users: Record<string, ReturnType<typeof vi.fn>>;
  let permissions: Record<string, ReturnType<typeof vi.fn>>;
  let providers: Map<unknown, unknown>;
  let service: UserAccountsService;
  const primary = { id: 'primary', role: 'admin' as const };
  const otherAdmin = { id: 'admin2', role: 'admin' as const };
  const member = { id: 'member', role: 'user' as const };

  beforeEach(() => {
    records.clear();
    records.set('primary', user('primary', { role: 'admin' }));
    records.set('admin2', user('admin2', { role: 'admin' }));
    records.set('member', user('member'));
    users = {
      findById: vi.fn((id: string) => Promise.resolve(records.get(id) ?? null)),
      findByEmail: vi.fn((email: string) =>
        Promise.resolve([...records.values()].find((u) => u.email === email) ?? null),
      ),
      findPrimaryAdmin: vi.fn(() => Promise.resolve(records.get('primary') ?? null)),
      update: vi.fn((id: string, changes: Partial<UserRecord>) =>
        Promise.resolve({
          ...records.get(id)!,
          ...changes,
        }),
      ),
      updateSettings: vi.fn((id: string, settings: Record<string, unknown>) =>
        Promise.resolve({
          ...records.get(id)!,
          settings,
        }),
      ),
      updateInfo: vi.fn((id: string, info: Record<string, unknown>) =>
        Promise.resolve({
          ...records.get(id)!,
          info,
        }),
      ),
      delete: vi.fn((id: string) => Promise.resolve(records.delete(id))),
      isActive: vi.fn(() => true),
    };
    permissions = { hasPermission: vi.fn(() => Promise.resolve(false)) };
    providers = new Map();
    const moduleRef = {
      get: vi.fn((token: unknown) => {
        if (!providers.has(token)) throw new Error('unknown provider');
        return providers.get(token);
      }),
    };
    const groups = { getGroupsForUser: vi.fn(() => Promise.resolve([{ id: 'g1', name: 'G' }])) };
    service = new UserAccountsService(
      users as unknown as UsersService,
      groups as unknown as GroupsService,
      permissions as unknown as PermissionsService,
      moduleRef as unknown as ModuleRef,
      { server: { staticDir: '/nonexistent' } } as AppConfig,
    );
  });

  describe('updateUser', () => {
    it('lets only the primary admin edit the primary admin', async () => {
      await expect(service.updateUser(otherAdmin, 'primary', { name: 'x' })).rejects.toMatchObject({
        status: 403,
        detail: 'The requested action has been restricted as a security measure.',
      });
      await expect(service.updateUser(primary, 'primary', { name: 'Boss' })).resolves.toMatchObject(
        { name: 'Boss' },
      );
    });

    it('never lets the primary admin leave the admin role', async () => {
      await expect(service.updateUser(primary, 'primary', { role: 'user' })).rejects.toMatchObject({
        status: 403,
      });
      await expect(
        service.updateUser(primary, 'primary', { role: 'admin' }),
      ).resolves.toBeDefined();
    });

    it('answers 400 for an unknown user and for an email another account holds', async () => {
      await expect(service.updateUser(primary, 'ghost', { name: 'x' })).rejects.toMatchObject({
        status: 400,
      });
      await expect(
        service.updateUser(primary, 'member', { email: 'ADMIN2@example.com' }),
      ).rejects.toMatchObject({
        status: 400,
        detail: expect.stringContaining('already registered'),
      });
    });

    it('lowercases the email and changes the password through the registered updater', async () => {
      const setPassword = vi.fn(() => Promise.resolve(undefined));
      providers.set(PASSWORD_UPDATER, { setPassword });
      await service.updateUser(primary, 'member', {
        email: 'New@Example.com',
        password: 'pw',
        role: 'pending',
      });
      expect(setPassword).toHaveBeenCalledWith('member', 'pw');
      expect(users.update).toHaveBeenCalledWith('member', {
        role: 'pending',
        name: undefined,
        email: 'new@example.com',
        profileImageUrl: undefined,
      });
    });

    it('fails loudly when no password updater is registered', async () => {
      vi.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
      await expect(service.updateUser(primary, 'member', { password: 'pw' })).rejects.toMatchObject(
        { status: 500 },
      );
    });

    it('changes nothing when nothing is given', async () => {
      await service.updateUser(primary, 'member', { password: '' });
      expect(users.update).not.toHaveBeenCalled();
    });
  });

  describe('deleteUser', () => {
    it('refuses the primary admin and self-deletion with 403, unknown users with 400', async () => {
      await expect(service.deleteUser(otherAdmin, 'primary')).rejects.toMatchObject({
        status: 403,
      });
      await expect(service.deleteUser(otherAdmin, 'admin2')).rejects.toMatchObject({ status: 403 });
      await expect(service.deleteUser(otherAdmin, 'ghost')).rejects.toMatchObject({ status: 400 });
      await expect(service.deleteUser(otherAdmin, 'member')).resolves.toBe(true);
    });
  });

  describe('settings and info', () => {
    it('drops ui.toolServers for users without features.direct_tool_servers', async () => {
      const saved = await service.updateSettings(member, {
        ui: { toolServers: [1], theme: 'dark' },
        other: 1,
      });
      expect(saved).toEqual({ ui: { theme: 'dark' }, other: 1 });
      expect(permissions.hasPermission).toHaveBeenCalledWith(
        'member',
        'features.direct_tool_servers',
      );
    });

    it('keeps ui.toolServers for admins and for users holding the permission', async () => {
      expect(await service.updateSettings(otherAdmin, { ui: { toolServers: [1] } })).toEqual({
        ui: { toolServers: [1] },
      });
      permissions.hasPermission.mockResolvedValueOnce(true);
      expect(await service.updateSettings(member, { ui: { toolServers: [2] } })).toEqual({
        ui: { toolServers: [2] },
      });
    });

    it('merges settings and info into what is stored', async () => {
      records.set(
        'member',
        user('member', { settings: { ui: { a: 1 }, keep: true }, info: { x: 1 } }),
      );
      expect(await service.updateSettings(member, { ui: { b: 2 } })).toEqual({
        ui: { b: 2 },
        keep: true,
      });
      expect(await service.updateInfo('member', { y: 2 })).toEqual({ x: 1, y: 2 });
      expect(await service.getSettings('primary')).toBeNull();
    });
  });

  describe('getUserCard', () => {
    it('gives non-admins a name card and admins the whole record with groups', async () => {
      const card = await service.getUserCard(member, 'admin2');
      expect(card).toMatchObject({ full: false, details: { groups: [] } });
      const details = await service.getUserCard(primary, 'member');
      expect(details).toMatchObject({ full: true, details: { groups: [{ id: 'g1', name: 'G' }] } });
    });

    it('resolves shared-<chat_id> through the chats lookup, and answers 400 without one', async () => {
      await expect(service.getUserCard(member, 'shared-c1')).rejects.toMatchObject({ status: 400 });
      providers.set(SHARED_CHAT_OWNER_LOOKUP, {
        findSharedChatOwnerId: (id: string) => Promise.resolve(id === 'c1' ? 'admin2' : null),
      });
      expect((await service.getUserCard(member, 'shared-c1')).details.user.id).toBe('admin2');
      await expect(service.getUserCard(member, 'shared-c2')).rejects.toMatchObject({ status: 400 });
    });
  });

  describe('getProfileImage', () => {
    it('redirects to http(s) images', async () => {
      records.set('member', user('member', { profileImageUrl: 'https://cdn.example.com/a.png' }));
      expect(await service.getProfileImage('member')).toEqual({
        kind: 'redirect',
        location: 'https://cdn.example.com/a.png',
      });
    });

    it('decodes raster data URIs and refuses SVG', async () => {
      records.set(
        'member',
        user('member', {
          profileImageUrl: `data:image/png;base64,${Buffer.from('PNG').toString('base64')}`,
        }),
      );
      expect(await service.getProfileImage('member')).toEqual({
        kind: 'inline',
        contentType: 'image/png',
        body: Buffer.from('PNG'),
      });
      records.set(
        'member',
        user('member', {
          profileImageUrl: `data:image/svg+xml;base64,${Buffer.from('<svg/>').toString('base64')}`,
        }),
      );
      expect(await service.getProfileImage('member')).toEqual({
        kind: 'redirect',
        location: '/static/user.png',
      });
    });

    it('falls back to the default image, and answers 400 for unknown users', async () => {
      expect(await service.getProfileImage('member')).toEqual({
        kind: 'redirect',
        location: '/static/user.png',
      });
      await expect(service.getProfileImage('ghost')).rejects.toMatchObject({ status: 400 });
    });
  });
});
