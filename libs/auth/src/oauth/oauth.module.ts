import { Module } from '@nestjs/common';

/** OAuth 2.0 / OpenID Connect sign-in, its admin config and claim-based role/group sync (issue 6). */
@Module({})
export class OAuthModule {}
