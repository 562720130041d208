import { Global, Module, type DynamicModule } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from './app-config.js';
import { loadConfig } from './load-config.js';

/** Provides the validated AppConfig everywhere under the APP_CONFIG token. */
@Global()
@Module({})
export class ConfigModule {
  /** Pass a config to use it as is (tests); otherwise the environment is read. */
  static forRoot(config?: AppConfig): DynamicModule {
    return {
      module: ConfigModule,
      providers: [{ provide: APP_CONFIG, useFactory: () => config ?? loadConfig() }],
      exports: [APP_CONFIG],
    };
  }
}
