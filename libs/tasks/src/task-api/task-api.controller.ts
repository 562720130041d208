import { Controller, Get, HttpCode, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Auth, CurrentUser, LenientBody, type AuthenticatedUser } from '@atrium/common';
import { clientGone } from '@atrium/providers';
import type { TaskKind } from '../background/task-kinds.js';
import { TaskApiService, type TaskGenerationReply } from './task-api.service.js';
import { TaskConfigDto, type TaskConfigResponse } from './task-config.dto.js';
import { TaskGenerationDto } from './task-generation.dto.js';

/**
 * Open WebUI's /api/v1/tasks router (routers/tasks.py): the task settings the admin UI edits,
 * and the title / tags / follow-up generation the chat page calls. As upstream, reading the
 * config needs a verified user and changing it an admin.
 */
@Controller('api/v1/tasks')
export class TaskApiController {
  constructor(private readonly tasks: TaskApiService) {}

  @Get('config')
  @Auth()
  config(): TaskConfigResponse {
    return this.tasks.config();
  }

  @HttpCode(200)
  @Post('config/update')
  @Auth({ admin: true })
  updateConfig(
    @LenientBody(TaskConfigDto) form: Readonly<TaskConfigDto>,
  ): Promise<TaskConfigResponse> {
    return this.tasks.updateConfig(form);
  }

  @HttpCode(200)
  @Post('title/completions')
  @Auth()
  title(
    @CurrentUser() user: AuthenticatedUser,
    @LenientBody(TaskGenerationDto) form: Readonly<TaskGenerationDto>,
    @Res({ passthrough: true }) res: Response,
  ): Promise<TaskGenerationReply> {
    return this.generate('title', user, form, res);
  }

  @HttpCode(200)
  @Post('tags/completions')
  @Auth()
  tags(
    @CurrentUser() user: AuthenticatedUser,
    @LenientBody(TaskGenerationDto) form: Readonly<TaskGenerationDto>,
    @Res({ passthrough: true }) res: Response,
  ): Promise<TaskGenerationReply> {
    return this.generate('tags', user, form, res);
  }

  @HttpCode(200)
  @Post('follow_up/completions')
  @Auth()
  followUps(
    @CurrentUser() user: AuthenticatedUser,
    @LenientBody(TaskGenerationDto) form: Readonly<TaskGenerationDto>,
    @Res({ passthrough: true }) res: Response,
  ): Promise<TaskGenerationReply> {
    return this.generate('follow_up', user, form, res);
  }

  private generate(
    kind: TaskKind,
    user: AuthenticatedUser,
    form: Readonly<TaskGenerationDto>,
    res: Response,
  ): Promise<TaskGenerationReply> {
    return this.tasks.generate(kind, form, user, clientGone(res));
  }
}
