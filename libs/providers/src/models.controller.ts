import { Body, Controller, Get, HttpCode, Post, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Auth, CurrentUser, type AuthenticatedUser } from '@atrium/common';
import { ModelsService } from './catalog/models.service.js';
import type { ModelRecord } from './catalog/model-record.js';
import { OllamaModelAdminService } from './relay/ollama-model-admin.service.js';
import { ProviderRelayService } from './relay/provider-relay.service.js';
import { requestBody } from './relay/request-body.js';
import { clientGone, relayUpstream } from './relay/response-writer.js';

/** App-level model routes of Open WebUI's main.py (chat completions live in @atrium/tasks). */
@Controller('api')
export class ModelsController {
  constructor(
    private readonly models: ModelsService,
    private readonly relay: ProviderRelayService,
    private readonly ollamaAdmin: OllamaModelAdminService,
  ) {}

  /** Only the exact /api/v1/models path: /api/v1/models/* is the workspace router. */
  @Get(['models', 'v1/models'])
  @Auth()
  async list(
    @CurrentUser() user: AuthenticatedUser,
    @Res() res: Response,
    @Query('refresh') refresh?: string,
  ): Promise<void> {
    // Pre-serialized (often shared) bytes: no per-request JSON.stringify of the whole list.
    const body = await this.models.forUserJson(user, refresh === 'true');
    res.status(200);
    res.setHeader('content-type', 'application/json');
    res.setHeader('content-length', body.length);
    res.end(body);
  }

  @Get('models/base')
  @Auth({ admin: true })
  base(@Query('refresh') refresh?: string): Promise<{ data: ModelRecord[] }> {
    return this.models.base(refresh === 'true');
  }

  /** Frees an Ollama model's memory on every server that has it (like /ollama/api/unload). */
  @HttpCode(200)
  @Post('models/unload')
  @Auth({ admin: true })
  unload(@CurrentUser() user: AuthenticatedUser, @Body() body: unknown): Promise<{ status: true }> {
    return this.ollamaAdmin.unload(requestBody(body), user);
  }

  @Post(['embeddings', 'v1/embeddings'])
  @HttpCode(200)
  @Auth()
  async embeddings(
    @CurrentUser() user: AuthenticatedUser,
    @Body() body: unknown,
    @Res() res: Response,
  ): Promise<void> {
    const result = await this.relay.embeddings(requestBody(body), user, clientGone(res));
    if (result.kind === 'json') {
      res.json(result.value);
      return;
    }
    await relayUpstream(result.upstream, res, result.body, result.contentType);
  }
}
