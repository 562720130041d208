import { Module } from '@nestjs/common';
import { AuthModule } from '@atrium/auth';
import { ACTIVE_USERS_SOURCE, UsersModule } from '@atrium/users';
import { RealtimeEmitter } from './realtime-emitter.js';
import { RealtimeGateway } from './realtime.gateway.js';
import { RealtimeRedis } from './realtime-redis.js';
import { SessionPool } from './session-pool.js';
import { SocketServerRef } from './socket-server.ref.js';
import { UsageController } from './usage.controller.js';
import { UsagePool } from './usage-pool.js';

/**
 * socket.io gateway at /ws/socket.io (install RealtimeIoAdapter on the app), user rooms,
 * presence and usage pools, GET /api/usage. The users library reads presence through
 * ACTIVE_USERS_SOURCE for GET /api/v1/users/active.
 */
@Module({
  imports: [AuthModule, UsersModule],
  controllers: [UsageController],
  providers: [
    RealtimeRedis,
    SocketServerRef,
    SessionPool,
    UsagePool,
    RealtimeGateway,
    RealtimeEmitter,
    { provide: ACTIVE_USERS_SOURCE, useExisting: SessionPool },
  ],
  exports: [RealtimeEmitter],
})
export class RealtimeModule {}
