import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Post,
  Put,
  Req,
  Res,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { Auth, CurrentUser, type AuthenticatedUser } from '@atrium/common';
import { ModelsService } from './catalog/models.service.js';
import { ConnectionsAdminService } from './connections/connections-admin.service.js';
import {
  OpenAIConfigDto,
  OpenAIVerifyDto,
  type OpenAIConfigResponse,
} from './dto/connection-config.dto.js';
import { ProviderRelayService } from './relay/provider-relay.service.js';
import { optionalRequestBody, requestBody } from './relay/request-body.js';
import { clientGone, relayUpstream } from './relay/response-writer.js';

/** The OpenAI-compatible proxy (§3.10): admin connection routes, model lists, SSE relay. */
@Controller('openai')
export class OpenAIController {
  constructor(
    private readonly admin: ConnectionsAdminService,
    private readonly models: ModelsService,
    private readonly relay: ProviderRelayService,
  ) {}

  @Get('config')
  @Auth({ admin: true })
  config(): OpenAIConfigResponse {
    return this.admin.openAIConfig();
  }

  @HttpCode(200)
  @Post('config/update')
  @Auth({ admin: true })
  updateConfig(@Body() form: OpenAIConfigDto): Promise<OpenAIConfigResponse> {
    return this.admin.updateOpenAI(form);
  }

  @HttpCode(200)
  @Post('verify')
  @Auth({ admin: true })
  verify(@Body() form: OpenAIVerifyDto): Promise<unknown> {
    return this.admin.verifyOpenAI(form.url, form.key, form.config);
  }

  @Get('models')
  @Auth()
  list(@CurrentUser() user: AuthenticatedUser): Promise<unknown> {
    return this.models.openAIModels(user);
  }

  @Get('models/:idx')
  @Auth()
  listAt(@Param('idx') idx: string): Promise<unknown> {
    return this.models.rawList('openai', idx);
  }

  @HttpCode(200)
  @Post('chat/completions')
  @Auth()
  async chat(
    @CurrentUser() user: AuthenticatedUser,
    @Body() body: unknown,
    @Res() res: Response,
  ): Promise<void> {
    const upstream = await this.relay.openAI(
      '/chat/completions',
      requestBody(body),
      user,
      clientGone(res),
    );
    await relayUpstream(upstream, res);
  }

  @Post('embeddings')
  @HttpCode(200)
  @Auth()
  async embeddings(
    @CurrentUser() user: AuthenticatedUser,
    @Body() body: unknown,
    @Res() res: Response,
  ): Promise<void> {
    const upstream = await this.relay.openAI(
      '/embeddings',
      requestBody(body),
      user,
      clientGone(res),
    );
    await relayUpstream(upstream, res);
  }

  // The deprecated catch-all proxy (ENABLE_OPENAI_API_PASSTHROUGH); declared last so every route
  // above wins. One handler per method Open WebUI accepts.

  @Get('*path')
  @Auth()
  passthroughGet(
    @CurrentUser() user: AuthenticatedUser,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    return this.passthrough('GET', user, req, res);
  }

  @Post('*path')
  @Auth()
  passthroughPost(
    @CurrentUser() user: AuthenticatedUser,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    return this.passthrough('POST', user, req, res);
  }

  @Put('*path')
  @Auth()
  passthroughPut(
    @CurrentUser() user: AuthenticatedUser,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    return this.passthrough('PUT', user, req, res);
  }

  @Delete('*path')
  @Auth()
  passthroughDelete(
    @CurrentUser() user: AuthenticatedUser,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    return this.passthrough('DELETE', user, req, res);
  }

  private async passthrough(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    user: AuthenticatedUser,
    req: Request,
    res: Response,
  ): Promise<void> {
    const path = req.originalUrl.replace(/^\/openai\/+/, '');
    const upstream = await this.relay.passthrough(
      method,
      path,
      method === 'GET' ? undefined : optionalRequestBody(req.body),
      user,
      clientGone(res),
    );
    await relayUpstream(upstream, res);
  }
}
