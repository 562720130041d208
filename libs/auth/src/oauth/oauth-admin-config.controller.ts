import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { Auth, LenientBody } from '@atrium/common';
import {
  OAuthAdminConfigDto,
  type OAuthAdminConfigResponse,
} from './dto/oauth-admin-config.dto.js';
import { OAuthAdminConfigService } from './oauth-admin-config.service.js';

/** Admin-editable OAuth/OIDC settings (Open WebUI's upper-case names). */
@Controller('api/v1/auths/admin/config/oauth')
export class OAuthAdminConfigController {
  constructor(private readonly config: OAuthAdminConfigService) {}

  @Get()
  @Auth({ admin: true })
  get(): OAuthAdminConfigResponse {
    return this.config.get();
  }

  @Post()
  @HttpCode(200)
  @Auth({ admin: true })
  update(
    @LenientBody(OAuthAdminConfigDto) form: Readonly<OAuthAdminConfigDto>,
  ): Promise<OAuthAdminConfigResponse> {
    return this.config.update(form);
  }
}
