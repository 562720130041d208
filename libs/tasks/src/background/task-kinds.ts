import type { PersistedSettingKey } from '@atrium/config';
import {
  DEFAULT_FOLLOW_UP_PROMPT,
  DEFAULT_TAGS_PROMPT,
  DEFAULT_TITLE_PROMPT,
} from './task-prompts.js';

/** The generation tasks run both after a reply (`background_tasks`) and by /api/v1/tasks/*. */
export type TaskKind = 'title' | 'tags' | 'follow_up';

export interface TaskKindDefinition {
  /** The admin switch (persisted setting). */
  enableKey: PersistedSettingKey;
  /** The admin's prompt template; empty means `defaultPrompt`. */
  templateKey: PersistedSettingKey;
  defaultPrompt: string;
  /** Open WebUI's 200 answer of the HTTP route when the switch is off. */
  disabledDetail: string;
}

export const TASK_KINDS: Record<TaskKind, TaskKindDefinition> = {
  title: {
    enableKey: 'task.title.enable',
    templateKey: 'task.title.prompt_template',
    defaultPrompt: DEFAULT_TITLE_PROMPT,
    disabledDetail: 'Title generation is disabled',
  },
  tags: {
    enableKey: 'task.tags.enable',
    templateKey: 'task.tags.prompt_template',
    defaultPrompt: DEFAULT_TAGS_PROMPT,
    disabledDetail: 'Tags generation is disabled',
  },
  follow_up: {
    enableKey: 'task.follow_up.enable',
    templateKey: 'task.follow_up.prompt_template',
    defaultPrompt: DEFAULT_FOLLOW_UP_PROMPT,
    disabledDetail: 'Follow-up generation is disabled',
  },
};
