import { describe, expect, it, vi } from 'vitest';
import type { PermissionTree } from '@atrium/config';
import type { SettingsService } from '@atrium/settings';
import type { GroupsRepository } from './groups.repository.js';
import { builtInDefaultPermissions } from './permission-tree.js';
import { PermissionsService } from './permissions.service.js';

function setup(stored: PermissionTree, groupTrees: unknown[] = []) {
  const settings = {
    get: vi.fn(() => stored),
    update: vi.fn(() => Promise.resolve(undefined)),
  };
  const groups = { findPermissionsByMember: vi.fn(() => Promise.resolve(groupTrees)) };
  const service = new PermissionsService(
    settings as unknown as SettingsService,
    groups as unknown as GroupsRepository,
  );
  return { service, settings, groups };
}

describe('PermissionsService', () => {
  it('fills flags missing from the stored defaults with their built-in defaults', () => {
    const { service } = setup({ chat: { delete: false } });
    const defaults = service.getDefaultPermissions();
    expect(defaults.chat.delete).toBe(false);
    expect(defaults.chat.edit).toBe(true);
    expect(defaults.workspace.models).toBe(false);
    expect(Object.keys(defaults)).toEqual(
      expect.arrayContaining(Object.keys(builtInDefaultPermissions())),
    );
  });

  it('keeps sections and flags of the stored defaults that Atrium does not know', () => {
    const { service } = setup({ ui: { interface_settings: true }, chat: { brand_new: true } });
    const defaults = service.getDefaultPermissions();
    expect(defaults.ui).toEqual({ interface_settings: true });
    expect(defaults.chat.brand_new).toBe(true);
  });

  it('ORs every group into the defaults: any true wins, false never takes a right away', async () => {
    const { service } = setup({ workspace: { models: false }, chat: { delete: true } }, [
      { workspace: { models: true }, chat: { delete: false } },
      { workspace: { models: false, knowledge: false } },
    ]);
    const permissions = await service.getUserPermissions('u1');
    expect(permissions.workspace.models).toBe(true);
    expect(permissions.workspace.knowledge).toBe(false);
    expect(permissions.chat.delete).toBe(true);
  });

  it('keeps sections and flags that only a group has', async () => {
    const { service } = setup({}, [{ custom: { thing: true }, features: { future_flag: true } }]);
    const permissions = await service.getUserPermissions('u1');
    expect(permissions.custom).toEqual({ thing: true });
    expect(permissions.features.future_flag).toBe(true);
    expect(permissions.features.web_search).toBe(true);
  });

  it('ignores groups without permissions and values that are not booleans', async () => {
    const { service } = setup({ workspace: { models: false } }, [
      null,
      { workspace: { models: 'yes' } },
      { workspace: 'all' },
    ]);
    const permissions = await service.getUserPermissions('u1');
    expect(permissions.workspace.models).toBe(false);
  });

  it('reads effective permissions with one repository call and leaves the stored tree alone', async () => {
    const stored: PermissionTree = { workspace: { models: false } };
    const { service, groups } = setup(stored, [{ workspace: { models: true } }]);
    await service.getUserPermissions('u1');
    expect(groups.findPermissionsByMember).toHaveBeenCalledTimes(1);
    expect(groups.findPermissionsByMember).toHaveBeenCalledWith('u1');
    expect(stored.workspace.models).toBe(false);
  });

  it('answers hasPermission from the combined tree; missing flags and sections are false', async () => {
    const { service } = setup({ workspace: { models: false } }, [{ workspace: { models: true } }]);
    expect(await service.hasPermission('u1', 'workspace.models')).toBe(true);
    expect(await service.hasPermission('u1', 'workspace.knowledge')).toBe(false);
    expect(await service.hasPermission('u1', 'nowhere.flag')).toBe(false);
    expect(await service.hasPermission('u1', 'workspace')).toBe(false);
    expect(await service.hasPermission('u1', 'chat.delete')).toBe(true);
  });

  it('stores new defaults completed with built-in defaults', async () => {
    const { service, settings } = setup({});
    const stored = await service.setDefaultPermissions({
      chat: { delete: false },
      ui: { x: true },
    });
    expect(stored.chat.delete).toBe(false);
    expect(stored.chat.edit).toBe(true);
    expect(stored.ui).toEqual({ x: true });
    expect(settings.update).toHaveBeenCalledWith({ 'user.permissions': stored });
  });
});
