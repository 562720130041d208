/**
 * Built-in prompt templates of the background tasks (used when the admin setting is empty)
 * and their rendering. Templates take Open WebUI's placeholders: {{MESSAGES}},
 * {{MESSAGES:START:n}} and {{MESSAGES:END:n}} (the chat as "ROLE: text" lines).
 */
export const DEFAULT_TITLE_PROMPT = `Read the conversation below and name it.
Rules:
- Three to five words, in the language the user writes in.
- Name the subject, not the tone; no quotes, no trailing punctuation. One leading emoji is fine.
- Answer with JSON only, shaped exactly like {"title": "Your title here"}.

Conversation:
{{MESSAGES:END:2}}`;

export const DEFAULT_TAGS_PROMPT = `Read the conversation below and file it under a few tags.
Rules:
- One to three broad subject tags (for example "Science", "Cooking", "Programming"), then up to
  two narrower ones if they help.
- Tags are short, in the language the user writes in.
- If the conversation is too short to say, answer {"tags": ["General"]}.
- Answer with JSON only, shaped exactly like {"tags": ["Tag1", "Tag2"]}.

Conversation:
{{MESSAGES:END:6}}`;

export const DEFAULT_FOLLOW_UP_PROMPT = `Read the conversation below and suggest what the user might ask next.
Rules:
- Three to five short questions, written as the user would type them, each following naturally
  from the last answer.
- Same language as the conversation.
- Answer with JSON only, shaped exactly like {"follow_ups": ["Question one?", "Question two?"]}.

Conversation:
{{MESSAGES:END:6}}`;

export interface PromptMessage {
  role: string;
  content: unknown;
}

/** The text of a message: a string, or the text parts of a multi-part content list. */
export function messageText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part: unknown) =>
      part && typeof part === 'object' && typeof (part as { text?: unknown }).text === 'string'
        ? (part as { text: string }).text
        : '',
    )
    .filter((text) => text !== '')
    .join('\n');
}

function transcript(messages: PromptMessage[]): string {
  return messages
    .map((message) => `${message.role.toUpperCase()}: ${messageText(message.content)}`)
    .join('\n');
}

/** Fills the {{MESSAGES...}} placeholders of `template` with the conversation. */
export function renderTaskPrompt(template: string, messages: PromptMessage[]): string {
  const chat = messages.filter((message) => message.role !== 'system');
  return template.replace(
    /\{\{MESSAGES(?::(START|END):(\d+))?\}\}/g,
    (_whole, side: string | undefined, count: string | undefined) => {
      if (!side) return transcript(chat);
      const n = Number(count);
      return transcript(
        side === 'START' ? chat.slice(0, n) : chat.slice(Math.max(0, chat.length - n)),
      );
    },
  );
}

/**
 * The JSON object in a task model's answer: models wrap it in prose or code fences, so the
 * text from the first `{` to the last `}` is parsed. Undefined when there is none.
 */
export function parseTaskAnswer(text: string): Record<string, unknown> | undefined {
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start < 0 || end <= start) return undefined;
  try {
    const value: unknown = JSON.parse(text.slice(start, end + 1));
    return value && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** A list of non-empty strings from an answer field, at most `limit` of them. */
export function stringList(value: unknown, limit: number): string[] {
  if (!Array.isArray(value)) return [];
  return value
    .filter((item): item is string => typeof item === 'string' && item.trim() !== '')
    .map((item) => item.trim())
    .slice(0, limit);
}
