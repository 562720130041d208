import type { ModelRecord } from '@atrium/providers';

/**
 * The model that runs background tasks for a chat on `chatModel` (Open WebUI's rule): chats on
 * local models use TASK_MODEL, others TASK_MODEL_EXTERNAL, when that model exists; otherwise
 * the chat's own model.
 */
export function pickTaskModel(
  chatModel: string,
  models: ReadonlyMap<string, ModelRecord>,
  settings: { local: string; external: string },
): string {
  const local = models.get(chatModel)?.connection_type === 'local';
  const configured = local ? settings.local : settings.external;
  return configured !== '' && models.has(configured) ? configured : chatModel;
}
