import {
  Global,
  Inject,
  Injectable,
  Logger,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { APP_CONFIG, redactUrl, type AppConfig } from '@atrium/config';
import { DataSource } from 'typeorm';
import { createDataSource, type EntityList, type MigrationList } from './data-source.factory.js';
import { DatabaseHealth } from './database-health.js';
import { assertSchemaCurrent, runMigrations } from './migration-runner.js';

export interface DatabaseModuleOptions {
  entities: EntityList;
  migrations: MigrationList;
}

@Injectable()
class DataSourceCloser implements OnApplicationShutdown {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

/** Opens the one DataSource of the process and applies migrations unless ENABLE_DB_MIGRATIONS=false. */
@Global()
@Module({})
export class DatabaseModule {
  static forRoot(options: DatabaseModuleOptions): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [
        {
          provide: DataSource,
          inject: [APP_CONFIG],
          useFactory: async (config: AppConfig) => {
            const logger = new Logger('Database');
            const dataSource = createDataSource(
              config.database,
              options.entities,
              options.migrations,
            );
            await dataSource.initialize();
            logger.log(
              `connected to ${config.database.engine} (${redactUrl(config.database.url)})`,
            );
            if (config.database.runMigrations) await runMigrations(dataSource);
            else await assertSchemaCurrent(dataSource);
            return dataSource;
          },
        },
        DataSourceCloser,
        DatabaseHealth,
      ],
      exports: [DataSource, DatabaseHealth],
    };
  }
}
