import { Module } from '@nestjs/common';
import { RealtimeEmitter } from './realtime-emitter.js';

/** socket.io gateway at /ws/socket.io, user rooms, presence and usage pools (issue 5). */
@Module({
  providers: [RealtimeEmitter],
  exports: [RealtimeEmitter],
})
export class RealtimeModule {}
