import { Module } from '@nestjs/common';

/** LDAP sign-in, its admin config and directory group sync (issue 6). */
@Module({})
export class LdapModule {}
