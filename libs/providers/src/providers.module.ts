import { Module } from '@nestjs/common';

/** Providers: placeholder until its issue lands. */
@Module({})
export class ProvidersModule {}
