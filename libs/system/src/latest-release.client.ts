import { Injectable } from '@nestjs/common';

/**
 * Asks a release feed for the newest version. The feed is GitHub's "latest release" shape
 * (`{"tag_name": "v1.2.3"}`); the leading "v" is dropped, as Open WebUI does.
 * The only outbound HTTP of this library, behind a class so tests replace it.
 */
@Injectable()
export class LatestReleaseClient {
  /** The newest version, or null when the feed fails, is slow or answers nonsense. */
  async fetchLatestVersion(url: string, timeoutMs: number): Promise<string | null> {
    try {
      const response = await fetch(url, {
        signal: AbortSignal.timeout(timeoutMs),
        headers: { accept: 'application/json' },
      });
      if (!response.ok) return null;
      const body = (await response.json()) as { tag_name?: unknown };
      if (typeof body.tag_name !== 'string' || body.tag_name.length === 0) return null;
      return body.tag_name.replace(/^v/i, '');
    } catch {
      return null;
    }
  }
}
