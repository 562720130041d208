export * from './tasks.module.js';
export { TaskRegistry } from './registry/task-registry.js';
export type { TaskInfo } from './registry/task-info.js';
