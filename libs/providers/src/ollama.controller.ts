import { Body, Controller, Delete, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import { IsArray, IsString } from 'class-validator';
import type { Response } from 'express';
import { Auth, CurrentUser, Public, type AuthenticatedUser } from '@atrium/common';
import { ModelsService } from './catalog/models.service.js';
import { indexParam } from './connections/connection-index.js';
import { ConnectionsAdminService } from './connections/connections-admin.service.js';
import {
  OllamaConfigDto,
  OllamaVerifyDto,
  type OllamaConfigResponse,
} from './dto/connection-config.dto.js';
import type { OllamaModelEntry } from './catalog/model-record.js';
import { OllamaModelAdminService } from './relay/ollama-model-admin.service.js';
import { ProviderRelayService, type OllamaPath } from './relay/provider-relay.service.js';
import { clientGone, relayUpstream } from './relay/response-writer.js';
import { requestBody } from './relay/request-body.js';

/** POST /ollama/urls/update (Open WebUI's UrlUpdateForm). */
export class OllamaUrlsDto {
  @IsArray() @IsString({ each: true }) urls: string[];
}

/** The Ollama proxy (§3.9): admin connection routes, model lists and the NDJSON relay. */
@Controller('ollama')
export class OllamaController {
  constructor(
    private readonly admin: ConnectionsAdminService,
    private readonly models: ModelsService,
    private readonly relay: ProviderRelayService,
    private readonly modelAdmin: OllamaModelAdminService,
  ) {}

  @Get()
  @Public()
  status(): { status: boolean } {
    return { status: true };
  }

  @Get('config')
  @Auth({ admin: true })
  config(): OllamaConfigResponse {
    return this.admin.ollamaConfig();
  }

  @HttpCode(200)
  @Post('config/update')
  @Auth({ admin: true })
  updateConfig(@Body() form: OllamaConfigDto): Promise<OllamaConfigResponse> {
    return this.admin.updateOllama(form);
  }

  @HttpCode(200)
  @Post('verify')
  @Auth({ admin: true })
  verify(@Body() form: OllamaVerifyDto): Promise<unknown> {
    return this.admin.verifyOllama(form.url, form.key);
  }

  /** The older URL-only view of the connections. */
  @Get('urls')
  @Auth({ admin: true })
  urls(): { OLLAMA_BASE_URLS: string[] } {
    return { OLLAMA_BASE_URLS: this.admin.ollamaConfig().OLLAMA_BASE_URLS };
  }

  /** Replaces the server URLs, keeping the switch and the per-index settings that still fit. */
  @HttpCode(200)
  @Post('urls/update')
  @Auth({ admin: true })
  async updateUrls(@Body() form: OllamaUrlsDto): Promise<{ OLLAMA_BASE_URLS: string[] }> {
    const current = this.admin.ollamaConfig();
    const updated = await this.admin.updateOllama({
      ENABLE_OLLAMA_API: current.ENABLE_OLLAMA_API,
      OLLAMA_BASE_URLS: form.urls,
      OLLAMA_API_CONFIGS: current.OLLAMA_API_CONFIGS,
    });
    return { OLLAMA_BASE_URLS: updated.OLLAMA_BASE_URLS };
  }

  @Get('api/tags')
  @Auth()
  tags(@CurrentUser() user: AuthenticatedUser): Promise<unknown> {
    return this.models.ollamaTags(user);
  }

  @Get('api/tags/:idx')
  @Auth()
  tagsAt(@Param('idx') idx: string): Promise<unknown> {
    return this.models.rawList('ollama', idx);
  }

  @Get('api/version')
  @Public()
  version(): Promise<unknown> {
    return this.models.ollamaVersion();
  }

  @Get('api/version/:idx')
  @Public()
  versionAt(@Param('idx') idx: string): Promise<unknown> {
    return this.models.ollamaVersion(idx);
  }

  @Get('api/ps')
  @Auth({ admin: true })
  loaded(): Promise<{ models: OllamaModelEntry[] }> {
    return this.modelAdmin.loaded();
  }

  @HttpCode(200)
  @Post('api/unload')
  @Auth({ admin: true })
  unload(@CurrentUser() user: AuthenticatedUser, @Body() body: unknown): Promise<{ status: true }> {
    return this.modelAdmin.unload(requestBody(body), user);
  }

  @HttpCode(200)
  @Post(['api/pull', 'api/pull/:idx'])
  @Auth({ admin: true })
  async pull(
    @CurrentUser() user: AuthenticatedUser,
    @Body() body: unknown,
    @Res() res: Response,
    @Param('idx') idx?: string,
  ): Promise<void> {
    const upstream = await this.modelAdmin.pull(
      requestBody(body),
      user,
      clientGone(res),
      indexParam('ollama', idx) ?? 0,
    );
    await relayUpstream(upstream, res);
  }

  /** DELETE, as in Open WebUI (sic). */
  @Delete(['api/push', 'api/push/:idx'])
  @Auth({ admin: true })
  async push(
    @CurrentUser() user: AuthenticatedUser,
    @Body() body: unknown,
    @Res() res: Response,
    @Param('idx') idx?: string,
  ): Promise<void> {
    const upstream = await this.modelAdmin.push(
      requestBody(body),
      user,
      clientGone(res),
      indexParam('ollama', idx),
    );
    await relayUpstream(upstream, res);
  }

  @HttpCode(200)
  @Post(['api/create', 'api/create/:idx'])
  @Auth({ admin: true })
  async create(
    @CurrentUser() user: AuthenticatedUser,
    @Body() body: unknown,
    @Res() res: Response,
    @Param('idx') idx?: string,
  ): Promise<void> {
    const upstream = await this.modelAdmin.create(
      requestBody(body),
      user,
      clientGone(res),
      indexParam('ollama', idx) ?? 0,
    );
    await relayUpstream(upstream, res);
  }

  @HttpCode(200)
  @Post(['api/copy', 'api/copy/:idx'])
  @Auth({ admin: true })
  copy(
    @CurrentUser() user: AuthenticatedUser,
    @Body() body: unknown,
    @Param('idx') idx?: string,
  ): Promise<true> {
    return this.modelAdmin.copy(requestBody(body), user, indexParam('ollama', idx));
  }

  @Delete(['api/delete', 'api/delete/:idx'])
  @Auth({ admin: true })
  remove(
    @CurrentUser() user: AuthenticatedUser,
    @Body() body: unknown,
    @Param('idx') idx?: string,
  ): Promise<true> {
    return this.modelAdmin.delete(requestBody(body), user, indexParam('ollama', idx));
  }

  @Get('v1/models')
  @Auth()
  openAIModels(@CurrentUser() user: AuthenticatedUser) {
    return this.models.ollamaOpenAIList(user);
  }

  @Get('v1/models/:idx')
  @Auth()
  openAIModelsAt(@CurrentUser() user: AuthenticatedUser, @Param('idx') idx: string) {
    return this.models.ollamaOpenAIList(user, idx);
  }

  @HttpCode(200)
  @Post(['api/chat', 'api/chat/:idx'])
  @Auth()
  chat(
    @CurrentUser() user: AuthenticatedUser,
    @Body() body: unknown,
    @Res() res: Response,
    @Param('idx') idx?: string,
  ) {
    return this.forward('/api/chat', user, body, res, idx);
  }

  @HttpCode(200)
  @Post(['api/generate', 'api/generate/:idx'])
  @Auth()
  generate(
    @CurrentUser() user: AuthenticatedUser,
    @Body() body: unknown,
    @Res() res: Response,
    @Param('idx') idx?: string,
  ) {
    return this.forward('/api/generate', user, body, res, idx);
  }

  @HttpCode(200)
  @Post('api/show')
  @Auth()
  show(@CurrentUser() user: AuthenticatedUser, @Body() body: unknown, @Res() res: Response) {
    return this.forward('/api/show', user, body, res);
  }

  @HttpCode(200)
  @Post(['api/embed', 'api/embed/:idx'])
  @Auth()
  embed(
    @CurrentUser() user: AuthenticatedUser,
    @Body() body: unknown,
    @Res() res: Response,
    @Param('idx') idx?: string,
  ) {
    return this.forward('/api/embed', user, body, res, idx);
  }

  @HttpCode(200)
  @Post(['api/embeddings', 'api/embeddings/:idx'])
  @Auth()
  embeddings(
    @CurrentUser() user: AuthenticatedUser,
    @Body() body: unknown,
    @Res() res: Response,
    @Param('idx') idx?: string,
  ) {
    return this.forward('/api/embeddings', user, body, res, idx);
  }

  @HttpCode(200)
  @Post(['v1/chat/completions', 'v1/chat/completions/:idx'])
  @Auth()
  openAIChat(
    @CurrentUser() user: AuthenticatedUser,
    @Body() body: unknown,
    @Res() res: Response,
    @Param('idx') idx?: string,
  ) {
    return this.forward('/v1/chat/completions', user, body, res, idx);
  }

  @HttpCode(200)
  @Post(['v1/completions', 'v1/completions/:idx'])
  @Auth()
  openAICompletions(
    @CurrentUser() user: AuthenticatedUser,
    @Body() body: unknown,
    @Res() res: Response,
    @Param('idx') idx?: string,
  ) {
    return this.forward('/v1/completions', user, body, res, idx);
  }

  private async forward(
    path: OllamaPath,
    user: AuthenticatedUser,
    body: unknown,
    res: Response,
    idx?: string,
  ): Promise<void> {
    const signal = clientGone(res);
    const upstream = await this.relay.ollama(
      path,
      requestBody(body),
      user,
      signal,
      indexParam('ollama', idx),
    );
    await relayUpstream(upstream, res);
  }
}
