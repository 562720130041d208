import { describe, expect, it } from 'vitest';
import { matchGovernanceRoute } from './governance-routes.js';

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
});
