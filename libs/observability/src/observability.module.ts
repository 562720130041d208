import { Module } from '@nestjs/common';

/** Observability: placeholder until its issue lands. */
@Module({})
export class ObservabilityModule {}
