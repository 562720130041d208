export * from './tasks.module.js';
export { TaskRegistry } from './registry/task-registry.js';
export { ChatTasksService } from './chat-tasks.service.js';
export { isTaskRequest } from './generation/task-request.js';
export type { TaskInfo } from './registry/task-info.js';
