import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@atrium/config';
import { Clock } from '@atrium/common';
import { BUILD_INFO, type BuildInfo } from './build-info.js';
import { CHANGELOG, CHANGELOG_RELEASES_SHOWN, type ChangelogRelease } from './changelog.js';
import { LatestReleaseClient } from './latest-release.client.js';
import { systemOptions, type SystemOptions } from './system-options.js';

/** Open WebUI gives the release lookup one second. */
export const UPDATE_CHECK_TIMEOUT_MS = 1_000;
/** Admin pages ask on every visit: remember an answer for an hour, a failure for a minute. */
const UPDATE_CHECK_CACHE_MS = 60 * 60 * 1_000;
const UPDATE_CHECK_FAILURE_CACHE_MS = 60 * 1_000;

export interface VersionResponse {
  version: string;
  deployment_id: string;
}

export interface VersionUpdatesResponse {
  current: string;
  /** The newest release; equal to current when the check is off; null when the lookup failed. */
  latest: string | null;
}

@Injectable()
export class VersionService {
  private readonly options: SystemOptions;
  private cachedLatest: { latest: string | null; expiresAt: number } | undefined;
  private inFlight: Promise<string | null> | undefined;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(BUILD_INFO) private readonly build: BuildInfo,
    private readonly releases: LatestReleaseClient,
    private readonly clock: Clock,
  ) {
    this.options = systemOptions(config);
  }

  version(): VersionResponse {
    return { version: this.build.version, deployment_id: this.build.deploymentId };
  }

  /**
   * Open WebUI answers latest = current when the check is disabled, and latest = null when the
   * lookup fails. With no feed configured there is nothing to look up, so it counts as disabled;
   * null would make the UI announce an update (its version compare treats null as newer).
   */
  async updates(): Promise<VersionUpdatesResponse> {
    const current = this.build.version;
    const url = this.options.versionUpdateCheckUrl;
    if (!this.options.enableVersionUpdateCheck || !url) return { current, latest: current };
    return { current, latest: await this.latestVersion(url) };
  }

  /** The newest releases, at most five, as Open WebUI returns them. */
  changelog(): Record<string, ChangelogRelease> {
    return Object.fromEntries(Object.entries(CHANGELOG).slice(0, CHANGELOG_RELEASES_SHOWN));
  }

  private async latestVersion(url: string): Promise<string | null> {
    const now = this.clock.nowMs();
    if (this.cachedLatest && this.cachedLatest.expiresAt > now) return this.cachedLatest.latest;
    this.inFlight ??= this.releases
      .fetchLatestVersion(url, UPDATE_CHECK_TIMEOUT_MS)
      .then((latest) => {
        const ttl = latest === null ? UPDATE_CHECK_FAILURE_CACHE_MS : UPDATE_CHECK_CACHE_MS;
        this.cachedLatest = { latest, expiresAt: this.clock.nowMs() + ttl };
        return latest;
      })
      .finally(() => {
        this.inFlight = undefined;
      });
    return this.inFlight;
  }
}
