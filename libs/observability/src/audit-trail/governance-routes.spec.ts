import { describe, expect, it } from 'vitest';
import { matchGovernanceRoute, remainingChanges } from './governance-routes.js';

describe('governance routes', () => {
  it('recognises admin changes with their target', () => {
    expect(matchGovernanceRoute('POST', '/api/v1/groups/id/g1/users/add')).toMatchObject({
      route: { action: 'group.members_added', targetType: 'group' },
      targetId: 'g1',
    });
    expect(matchGovernanceRoute('DELETE', '/api/v1/groups/id/g1/delete')?.route.action).toBe(
      'group.deleted',
    );
    // Connection edits are recorded by the providers library itself (with before/after).
    expect(matchGovernanceRoute('POST', '/ollama/config/update')).toBeUndefined();
    expect(matchGovernanceRoute('POST', '/api/v1/configs/banners')).toMatchObject({
      route: { action: 'config.updated' },
      targetId: 'banners',
    });
    expect(
      matchGovernanceRoute('POST', '/api/v1/models/model/access/update')?.route.bodyTargetKey,
    ).toBe('id');
  });

  it('ignores reads and checks that change nothing', () => {
    expect(matchGovernanceRoute('GET', '/api/v1/groups/id/g1')).toBeUndefined();
    expect(matchGovernanceRoute('POST', '/api/v1/configs/tool_servers/verify')).toBeUndefined();
    expect(matchGovernanceRoute('POST', '/api/v1/chats/new')).toBeUndefined();
  });

  it('leaves out of a route record the fields a specific event already recorded', () => {
    const { route } = matchGovernanceRoute('POST', '/api/v1/users/u1/update')!;
    const body = { role: 'admin', email: 'a@b.c', name: 'A' };
    const roleChanged = [{ action: 'user.role_changed', targetId: 'u1' }];
    expect(remainingChanges(route, 'u1', body, roleChanged)).toEqual({ email: 'a@b.c', name: 'A' });
    expect(remainingChanges(route, 'u1', { role: 'admin' }, roleChanged)).toBeUndefined();
    // Another user's event, or none, changes nothing.
    expect(remainingChanges(route, 'u2', body, roleChanged)).toBe(body);
    expect(remainingChanges(route, 'u1', body, [])).toBe(body);
    const group = matchGovernanceRoute('POST', '/api/v1/groups/create')!.route;
    expect(remainingChanges(group, null, { name: 'g' }, roleChanged)).toEqual({ name: 'g' });
  });
});
