import { describe, expect, it, vi } from 'vitest';
import type { Clock } from '@atrium/common';
import { loadConfig } from '@atrium/config';
import { CHANGELOG_RELEASES_SHOWN } from './changelog.js';
import { UPDATE_CHECK_TIMEOUT_MS, VersionService } from './version.service.js';

function setup(server: Record<string, unknown>, answers: (string | null)[] = []) {
  const base = loadConfig({ WEBUI_SECRET_KEY: 'unit', DATA_DIR: '/tmp/atrium-unit-system' });
  const config = { ...base, server: { ...base.server, ...server } };
  let now = 0;
  const clock = { nowMs: () => now } as Clock;
  const fetchLatestVersion = vi.fn(() => Promise.resolve(answers.shift() ?? null));
  const service = new VersionService(
    config,
    { version: '1.0.0', deploymentId: 'deploy' },
    { fetchLatestVersion },
    clock,
  );
  return { service, fetchLatestVersion, advance: (ms: number) => (now += ms) };
}

const FEED = 'http://127.0.0.1:9/releases/latest';

describe('VersionService', () => {
  it('version() is {version, deployment_id}', () => {
    expect(setup({}).service.version()).toEqual({ version: '1.0.0', deployment_id: 'deploy' });
  });

  it('a disabled check answers latest = current without any lookup (Open WebUI)', async () => {
    const { service, fetchLatestVersion } = setup({
      enableVersionUpdateCheck: false,
      versionUpdateCheckUrl: FEED,
    });
    expect(await service.updates()).toEqual({ current: '1.0.0', latest: '1.0.0' });
    expect(fetchLatestVersion).not.toHaveBeenCalled();
  });

  it('no feed configured counts as disabled', async () => {
    const { service, fetchLatestVersion } = setup({ enableVersionUpdateCheck: true });
    expect(await service.updates()).toEqual({ current: '1.0.0', latest: '1.0.0' });
    expect(fetchLatestVersion).not.toHaveBeenCalled();
  });

  it('looks the release up with a one-second budget and caches the answer', async () => {
    const { service, fetchLatestVersion, advance } = setup({ versionUpdateCheckUrl: FEED }, [
      '1.1.0',
      '1.2.0',
    ]);
    expect(await service.updates()).toEqual({ current: '1.0.0', latest: '1.1.0' });
    expect(fetchLatestVersion).toHaveBeenCalledWith(FEED, UPDATE_CHECK_TIMEOUT_MS);
    expect(UPDATE_CHECK_TIMEOUT_MS).toBe(1_000);
    advance(30 * 60 * 1_000);
    expect((await service.updates()).latest).toBe('1.1.0');
    advance(31 * 60 * 1_000);
    expect((await service.updates()).latest).toBe('1.2.0');
  });

  it('a failed lookup gives latest: null and is retried after a minute', async () => {
    const { service, fetchLatestVersion, advance } = setup({ versionUpdateCheckUrl: FEED }, [
      null,
      '2.0.0',
    ]);
    expect(await service.updates()).toEqual({ current: '1.0.0', latest: null });
    expect((await service.updates()).latest).toBeNull();
    expect(fetchLatestVersion).toHaveBeenCalledTimes(1);
    advance(61_000);
    expect((await service.updates()).latest).toBe('2.0.0');
  });

  it('the changelog holds at most five releases, each with a date', () => {
    const changelog = setup({}).service.changelog();
    expect(Object.keys(changelog).length).toBeGreaterThan(0);
    expect(Object.keys(changelog).length).toBeLessThanOrEqual(CHANGELOG_RELEASES_SHOWN);
    for (const release of Object.values(changelog))
      expect(release.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });
});
