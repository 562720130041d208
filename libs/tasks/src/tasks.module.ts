import { Module } from '@nestjs/common';

/** Chat task mode of POST /api/chat/completions and the /api/tasks routes (issue 5). */
@Module({})
export class TasksModule {}
