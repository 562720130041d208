import { Module } from '@nestjs/common';

/** Placeholder: sessions, JWT, API keys and the global auth guard land here. */
@Module({})
export class AuthModule {}
