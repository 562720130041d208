import { Module } from '@nestjs/common';

/** Placeholder: /api/config, /api/version, health probes, static files and the SPA land here. */
@Module({})
export class SystemModule {}
