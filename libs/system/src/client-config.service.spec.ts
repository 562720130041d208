import { describe, expect, it, vi } from 'vitest';
import type { Clock } from '@atrium/common';
import { loadConfig, type PersistedSettingKey } from '@atrium/config';
import type { SettingsService } from '@atrium/settings';
import type { UsersService } from '@atrium/users';
import { ClientConfigService } from './client-config.service.js';

function setup(counts: number[]) {
  const config = loadConfig({ WEBUI_SECRET_KEY: 'unit', DATA_DIR: '/tmp/atrium-unit-system' });
  let now = 1_000_000;
  const clock = { nowMs: () => now } as Clock;
  const count = vi.fn(() => Promise.resolve(counts.shift() ?? 0));
  const settings = { get: (key: PersistedSettingKey) => config.seeds[key] } as SettingsService;
  const service = new ClientConfigService(
    config,
    { version: '1.0.0', deploymentId: 'd' },
    settings,
    { count } as unknown as UsersService,
    clock,
  );
  return { service, count, advance: (ms: number) => (now += ms) };
}

describe('ClientConfigService onboarding', () => {
  it('asks again every time while there are no users, so the first signup ends onboarding at once', async () => {
    const { service, count } = setup([0, 0, 1]);
    expect((await service.forCaller(undefined)).onboarding).toBe(true);
    expect((await service.forCaller(undefined)).onboarding).toBe(true);
    expect(await service.forCaller(undefined)).not.toHaveProperty('onboarding');
    expect(count).toHaveBeenCalledTimes(3);
  });

  it('remembers that users exist for a minute', async () => {
    const { service, count, advance } = setup([1, 1]);
    await service.forCaller(undefined);
    await service.forCaller(undefined);
    advance(59_000);
    await service.forCaller(undefined);
    expect(count).toHaveBeenCalledTimes(1);
    advance(2_000);
    await service.forCaller(undefined);
    expect(count).toHaveBeenCalledTimes(2);
  });

  it('concurrent page loads share one query', async () => {
    const { service, count } = setup([1]);
    await Promise.all([
      service.forCaller(undefined),
      service.forCaller(undefined),
      service.forCaller(undefined),
    ]);
    expect(count).toHaveBeenCalledTimes(1);
  });

  it('never counts users for a signed-in caller', async () => {
    const { service, count } = setup([0]);
    const body = await service.forCaller({
      id: 'u',
      name: 'U',
      email: 'u@example.com',
      role: 'user',
      profileImageUrl: '/user.png',
      authType: 'jwt',
      credential: 't',
    });
    expect(body).not.toHaveProperty('onboarding');
    expect(count).not.toHaveBeenCalled();
  });
});
