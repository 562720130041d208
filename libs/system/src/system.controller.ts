import { Controller, Get, Header } from '@nestjs/common';
import { Auth, CurrentUser, Public, type AuthenticatedUser } from '@atrium/common';
import { ClientConfigService } from './client-config.service.js';
import type { ChangelogRelease } from './changelog.js';
import type { ClientConfigResponse } from './dto/client-config.dto.js';
import {
  VersionService,
  type VersionResponse,
  type VersionUpdatesResponse,
} from './version.service.js';
import { WebManifestService, type WebManifest } from './web-manifest.service.js';

/** App-level routes of Open WebUI's main.py that describe the instance to the frontend. */
@Controller()
export class SystemController {
  constructor(
    private readonly clientConfig: ClientConfigService,
    private readonly versions: VersionService,
    private readonly webManifest: WebManifestService,
  ) {}

  /** Public block for anyone; more with a valid token; a bad token is a 401 (from the guard). */
  @Public({ identifyCaller: true })
  @Get('api/config')
  @Header('Cache-Control', 'no-store')
  config(@CurrentUser() user: AuthenticatedUser | undefined): Promise<ClientConfigResponse> {
    return this.clientConfig.forCaller(user);
  }

  @Public()
  @Get('api/version')
  @Header('Cache-Control', 'no-store')
  version(): VersionResponse {
    return this.versions.version();
  }

  @Auth()
  @Get('api/version/updates')
  updates(): Promise<VersionUpdatesResponse> {
    return this.versions.updates();
  }

  @Public()
  @Get('api/changelog')
  changelog(): Record<string, ChangelogRelease> {
    return this.versions.changelog();
  }

  @Public()
  @Get('manifest.json')
  manifest(): WebManifest {
    return this.webManifest.manifest();
  }

  @Public()
  @Get('opensearch.xml')
  @Header('Content-Type', 'application/xml')
  openSearch(): string {
    return this.webManifest.openSearchXml();
  }
}
