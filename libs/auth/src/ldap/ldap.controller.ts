import { Body, Controller, Get, HttpCode, Post, Res } from '@nestjs/common';
import { Auth, Public } from '@atrium/common';
import type { Response } from 'express';
import { SessionCookies } from '../accounts/session-cookies.js';
import type { SessionResponse } from '../dto/session.response.js';
import { LdapFormDto } from './dto/ldap-form.dto.js';
import {
  LdapEnableDto,
  LdapServerConfigDto,
  type LdapServerConfigResponse,
} from './dto/ldap-server-config.dto.js';
import { LdapAdminConfigService } from './ldap-admin-config.service.js';
import { LdapSigninService } from './ldap-signin.service.js';

/** Open WebUI's LDAP routes under /api/v1/auths. */
@Controller('api/v1/auths')
export class LdapController {
  constructor(
    private readonly signinService: LdapSigninService,
    private readonly adminConfig: LdapAdminConfigService,
    private readonly cookies: SessionCookies,
  ) {}

  @Post('ldap')
  @HttpCode(200)
  @Public()
  async signin(
    @Body() form: LdapFormDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<SessionResponse> {
    const session = await this.signinService.signin(form.user, form.password);
    this.cookies.set(response, session.token, session.expires_at);
    return session;
  }

  @Get('admin/config/ldap')
  @Auth({ admin: true })
  getEnabled(): { ENABLE_LDAP: boolean } {
    return this.adminConfig.getEnabled();
  }

  @Post('admin/config/ldap')
  @HttpCode(200)
  @Auth({ admin: true })
  setEnabled(@Body() form: LdapEnableDto): Promise<{ ENABLE_LDAP: boolean }> {
    return this.adminConfig.setEnabled(form);
  }

  @Get('admin/config/ldap/server')
  @Auth({ admin: true })
  getServer(): LdapServerConfigResponse {
    return this.adminConfig.getServer();
  }

  @Post('admin/config/ldap/server')
  @HttpCode(200)
  @Auth({ admin: true })
  setServer(@Body() form: LdapServerConfigDto): Promise<LdapServerConfigResponse> {
    return this.adminConfig.setServer(form);
  }
}
