import { Global, Module } from '@nestjs/common';
import { RedisConnection } from './redis-connection.js';

/** Provides the optional Redis connection (REDIS_URL) to every module. */
@Global()
@Module({ providers: [RedisConnection], exports: [RedisConnection] })
export class RedisModule {}
