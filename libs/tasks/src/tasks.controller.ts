import { Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { Auth, CurrentUser, type AuthenticatedUser } from '@atrium/common';
import { ChatTasksService, type StopReply } from './chat-tasks.service.js';

/**
 * Open WebUI's /api/tasks routes. Owner-safe: a user sees and stops only their own tasks
 * (someone else's task id answers like an unknown one); admins see and stop every task.
 */
@Controller('api/tasks')
export class TasksController {
  constructor(private readonly tasks: ChatTasksService) {}

  @Get()
  @Auth()
  list(@CurrentUser() user: AuthenticatedUser): Promise<{ tasks: string[] }> {
    return this.tasks.list(user);
  }

  @HttpCode(200)
  @Post('stop/:taskId')
  @Auth()
  stop(
    @CurrentUser() user: AuthenticatedUser,
    @Param('taskId') taskId: string,
  ): Promise<StopReply> {
    return this.tasks.stop(user, taskId);
  }

  @Get('chat/:chatId')
  @Auth()
  listForChat(
    @CurrentUser() user: AuthenticatedUser,
    @Param('chatId') chatId: string,
  ): Promise<{ task_ids: string[] }> {
    return this.tasks.listForChat(user, chatId);
  }

  @HttpCode(200)
  @Post('chat/:chatId/stop')
  @Auth()
  stopForChat(
    @CurrentUser() user: AuthenticatedUser,
    @Param('chatId') chatId: string,
  ): Promise<StopReply> {
    return this.tasks.stopForChat(user, chatId);
  }
}
