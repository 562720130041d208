import { Injectable } from '@nestjs/common';
import { BadRequestError } from '@atrium/common';
import { SettingsService } from '@atrium/settings';
import type {
  LdapEnableDto,
  LdapServerConfigDto,
  LdapServerConfigResponse,
} from './dto/ldap-server-config.dto.js';

/** Fields Open WebUI refuses to save empty. */
const REQUIRED_FIELDS = [
  'label',
  'host',
  'attribute_for_mail',
  'attribute_for_username',
  'app_dn',
  'app_dn_password',
  'search_base',
] as const;

/** The admin screens for LDAP: the on/off switch and the server form (persisted settings). */
@Injectable()
export class LdapAdminConfigService {
  constructor(private readonly settings: SettingsService) {}

  getEnabled(): { ENABLE_LDAP: boolean } {
    return { ENABLE_LDAP: this.settings.get('ldap.enable') };
  }

  /** Open WebUI stores the value as sent; a missing/null value means off here. */
  async setEnabled(form: LdapEnableDto): Promise<{ ENABLE_LDAP: boolean }> {
    await this.settings.update({ 'ldap.enable': form.enable_ldap === true });
    return this.getEnabled();
  }

  getServer(): LdapServerConfigResponse {
    const get = this.settings.get.bind(this.settings);
    return {
      label: get('ldap.server.label'),
      host: get('ldap.server.host'),
      port: get('ldap.server.port'),
      attribute_for_mail: get('ldap.server.attribute_for_mail'),
      attribute_for_username: get('ldap.server.attribute_for_username'),
      app_dn: get('ldap.server.app_dn'),
      app_dn_password: get('ldap.server.app_password'),
      search_base: get('ldap.server.users_dn'),
      search_filters: get('ldap.server.search_filter'),
      use_tls: get('ldap.server.use_tls'),
      certificate_path: get('ldap.server.ca_cert_file'),
      validate_cert: get('ldap.server.validate_cert'),
      ciphers: get('ldap.server.ciphers'),
    };
  }

  async setServer(form: LdapServerConfigDto): Promise<LdapServerConfigResponse> {
    const values = {
      ...form,
      attribute_for_mail: form.attribute_for_mail ?? 'mail',
      attribute_for_username: form.attribute_for_username ?? 'uid',
    };
    for (const key of REQUIRED_FIELDS) {
      if (!values[key]) throw new BadRequestError(`Required field ${key} is empty`);
    }
    await this.settings.update({
      'ldap.server.label': values.label,
      'ldap.server.host': values.host,
      'ldap.server.port': values.port ?? null,
      'ldap.server.attribute_for_mail': values.attribute_for_mail,
      'ldap.server.attribute_for_username': values.attribute_for_username,
      'ldap.server.app_dn': values.app_dn,
      'ldap.server.app_password': values.app_dn_password,
      'ldap.server.users_dn': values.search_base,
      'ldap.server.search_filter': values.search_filters ?? '',
      'ldap.server.use_tls': values.use_tls ?? true,
      'ldap.server.ca_cert_file': values.certificate_path ?? '',
      'ldap.server.validate_cert': values.validate_cert ?? true,
      'ldap.server.ciphers': values.ciphers || 'ALL',
    });
    return this.getServer();
  }
}
