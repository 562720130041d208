import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Auth, CurrentUser, type AuthenticatedUser } from '@atrium/common';
import { clientGone, ProviderRelayService, relayUpstream, requestBody } from '@atrium/providers';
import { ChatTasksService } from './chat-tasks.service.js';
import { isTaskRequest } from './generation/task-request.js';

/**
 * POST /api/chat/completions (§5): with `session_id` + `chat_id` a background task whose
 * output goes over socket.io; otherwise the synchronous relay (JSON or SSE).
 */
@Controller('api')
export class ChatCompletionsController {
  constructor(
    private readonly relay: ProviderRelayService,
    private readonly tasks: ChatTasksService,
  ) {}

  @HttpCode(200)
  @Post(['chat/completions', 'v1/chat/completions'])
  @Auth()
  async chatCompletions(
    @CurrentUser() user: AuthenticatedUser,
    @Body() body: unknown,
    @Res() res: Response,
  ): Promise<void> {
    const payload = requestBody(body);
    if (isTaskRequest(payload)) {
      res.json(await this.tasks.start(payload, user));
      return;
    }
    const result = await this.relay.chatCompletion(payload, user, clientGone(res));
    if (result.kind === 'json') {
      res.json(result.value);
      return;
    }
    await relayUpstream(result.upstream, res, result.body, result.contentType);
  }
}
