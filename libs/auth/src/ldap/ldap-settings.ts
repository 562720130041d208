import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig, type LdapTlsMode } from '@atrium/config';
import { SettingsService } from '@atrium/settings';
import { namingContextOf } from './ldap-filter.js';

/** How to reach the directory (what LdapDirectoryClient needs). */
export interface LdapConnectionSettings {
  host: string;
  port: number;
  useTls: boolean;
  /** Resolved: never `auto`. */
  tlsMode: Exclude<LdapTlsMode, 'auto'>;
  caCertFile: string;
  validateCert: boolean;
  ciphers: string;
  timeoutMs: number;
}

/** Everything an LDAP sign-in needs, read fresh from the persisted settings on each sign-in. */
export interface LdapSigninSettings {
  enabled: boolean;
  connection: LdapConnectionSettings;
  appDn: string;
  appPassword: string;
  searchBase: string;
  searchFilters: string;
  usernameAttribute: string;
  mailAttribute: string;
  groupManagement: boolean;
  groupCreation: boolean;
  groupsAttribute: string;
  groupSearchBase: string;
}

/** Reads the admin-editable LDAP settings plus the env-only ones (TLS mode, timeout). */
@Injectable()
export class LdapSettings {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly settings: SettingsService,
  ) {}

  current(): LdapSigninSettings {
    const get = this.settings.get.bind(this.settings);
    const port = get('ldap.server.port') ?? 389;
    const searchBase = get('ldap.server.users_dn');
    const tlsMode = this.config.ldap.tlsMode;
    return {
      enabled: get('ldap.enable'),
      connection: {
        host: get('ldap.server.host'),
        port,
        useTls: get('ldap.server.use_tls'),
        tlsMode: tlsMode === 'auto' ? (port === 389 ? 'starttls' : 'ldaps') : tlsMode,
        caCertFile: get('ldap.server.ca_cert_file'),
        validateCert: get('ldap.server.validate_cert'),
        ciphers: get('ldap.server.ciphers'),
        timeoutMs: this.config.ldap.timeoutMs,
      },
      appDn: get('ldap.server.app_dn'),
      appPassword: get('ldap.server.app_password'),
      searchBase,
      searchFilters: get('ldap.server.search_filter'),
      usernameAttribute: get('ldap.server.attribute_for_username') || 'uid',
      mailAttribute: get('ldap.server.attribute_for_mail') || 'mail',
      groupManagement: get('ldap.server.enable_group_management'),
      groupCreation: get('ldap.server.enable_group_creation'),
      groupsAttribute: get('ldap.server.attribute_for_groups') || 'memberOf',
      groupSearchBase: this.config.ldap.groupSearchBase ?? namingContextOf(searchBase),
    };
  }
}
