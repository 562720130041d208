import { Module, RequestMethod, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@atrium/config';
import { UsersModule } from '@atrium/users';
import { BUILD_INFO, deploymentIdFor, readPackageVersion, type BuildInfo } from './build-info.js';
import { ClientConfigService } from './client-config.service.js';
import { HealthController } from './health.controller.js';
import { HealthService } from './health.service.js';
import { LatestReleaseClient } from './latest-release.client.js';
import { StaticAssetsMiddleware } from './static-assets.middleware.js';
import { StaticAssetsService } from './static-assets.service.js';
import { SystemController } from './system.controller.js';
import { systemOptions } from './system-options.js';
import { VersionService } from './version.service.js';
import { WebManifestService } from './web-manifest.service.js';

/**
 * The instance itself: /api/config, /api/version(/updates), /api/changelog, probes
 * (/health, /health/db, /ready), /manifest.json, /opensearch.xml, /static/* and the SPA
 * (FRONTEND_BUILD_DIR). OpenAPI docs are wired by setupApiDocs() in createApp.
 */
@Module({
  imports: [UsersModule],
  controllers: [SystemController, HealthController],
  providers: [
    {
      provide: BUILD_INFO,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig): BuildInfo => {
        const options = systemOptions(config);
        const version = readPackageVersion();
        return {
          version,
          deploymentId: deploymentIdFor(version, options.buildHash, options.deploymentId),
        };
      },
    },
    ClientConfigService,
    HealthService,
    LatestReleaseClient,
    StaticAssetsService,
    VersionService,
    WebManifestService,
  ],
  exports: [HealthService, BUILD_INFO],
})
export class SystemModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply(StaticAssetsMiddleware)
      .forRoutes({ path: '{*path}', method: RequestMethod.ALL });
  }
}
