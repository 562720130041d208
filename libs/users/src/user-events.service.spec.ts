import { describe, expect, it, vi } from 'vitest';
import { UserEventsService } from './user-events.service.js';

describe('UserEventsService', () => {
  it('awaits listeners in order, isolates failures and supports unsubscribing', async () => {
    const events = new UserEventsService();
    const calls: string[] = [];
    events.onUserDeleted(async ({ userId }) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      calls.push(`first:${userId}`);
    });
    events.onUserDeleted(() => {
      throw new Error('boom');
    });
    const off = events.onUserDeleted(({ userId }) => void calls.push(`third:${userId}`));
    vi.spyOn(events['logger'], 'error').mockImplementation(() => undefined);

    await events.emit('userDeleted', { userId: 'u1' });
    expect(calls).toEqual(['first:u1', 'third:u1']);

    off();
    await events.emit('userDeleted', { userId: 'u2' });
    expect(calls).toEqual(['first:u1', 'third:u1', 'first:u2']);
  });

  it('keeps events apart', async () => {
    const events = new UserEventsService();
    const roleChanges = vi.fn();
    events.onUserRoleChanged(roleChanges);
    await events.emit('userDeleted', { userId: 'u1' });
    await events.emit('userRoleChanged', { userId: 'u1', previousRole: 'user', role: 'admin' });
    expect(roleChanges).toHaveBeenCalledExactlyOnceWith({
      userId: 'u1',
      previousRole: 'user',
      role: 'admin',
    });
  });
});
