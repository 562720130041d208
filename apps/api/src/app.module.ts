import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import {
  CommonModule,
  createValidationPipe,
  HttpExceptionFilter,
  JsonPrimitiveInterceptor,
} from '@atrium/common';
import { ConfigModule, type AppConfig } from '@atrium/config';
import { DatabaseModule } from '@atrium/database';
import { RedisModule } from '@atrium/redis';
import { SETTINGS_ENTITIES, SettingsModule } from '@atrium/settings';
import { USERS_ENTITIES, UsersModule } from '@atrium/users';
import { AUTH_ENTITIES, AuthModule, LdapModule, OAuthModule } from '@atrium/auth';
import { SystemModule } from '@atrium/system';
import { PROVIDERS_ENTITIES, ProvidersModule } from '@atrium/providers';
import { CHATS_ENTITIES, ChatsModule } from '@atrium/chats';
import { MODELS_ENTITIES, ModelsModule } from '@atrium/models';
import { OBSERVABILITY_ENTITIES, ObservabilityModule } from '@atrium/observability';
import { RealtimeModule } from '@atrium/realtime';
import { TasksModule } from '@atrium/tasks';
import { MIGRATIONS } from '../../../migrations/index.js';

export const ENTITIES = [
  ...USERS_ENTITIES,
  ...AUTH_ENTITIES,
  ...SETTINGS_ENTITIES,
  ...PROVIDERS_ENTITIES,
  ...CHATS_ENTITIES,
  ...MODELS_ENTITIES,
  ...OBSERVABILITY_ENTITIES,
];

/** Composition only: which modules make up the server. */
@Module({})
export class AppModule {
  static forRoot(config?: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        CommonModule,
        DatabaseModule.forRoot({ entities: ENTITIES, migrations: MIGRATIONS }),
        RedisModule,
        SettingsModule,
        UsersModule,
        AuthModule,
        SystemModule,
        ObservabilityModule,
        ProvidersModule,
        ChatsModule,
        ModelsModule,
        LdapModule,
        OAuthModule,
        RealtimeModule,
        TasksModule,
      ],
      providers: [
        { provide: APP_PIPE, useFactory: createValidationPipe },
        { provide: APP_FILTER, useClass: HttpExceptionFilter },
        { provide: APP_INTERCEPTOR, useClass: JsonPrimitiveInterceptor },
      ],
    };
  }
}
