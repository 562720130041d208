type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The assistant message built from OpenAI chat-completion chunks: the full text so far, the
 * usage report and an in-band error (`{"error": ...}` chunks some servers send mid-stream).
 */
export class CompletionAccumulator {
  content = '';
  usage: Json | undefined;
  error: string | undefined;

  /** Adds one `chat.completion.chunk`; true when the text grew. */
  addChunk(chunk: Json): boolean {
    if (isObject(chunk.usage)) this.usage = chunk.usage;
    if (chunk.error !== undefined && chunk.error !== null) this.error = errorText(chunk.error);
    const choice: unknown = Array.isArray(chunk.choices)
      ? (chunk.choices as unknown[])[0]
      : undefined;
    const delta = isObject(choice) && isObject(choice.delta) ? choice.delta : undefined;
    const text = delta?.content;
    if (typeof text !== 'string' || text === '') return false;
    this.content += text;
    return true;
  }

  /** Takes a whole `chat.completion` reply (an upstream that answered without streaming). */
  addCompletion(reply: unknown): void {
    if (!isObject(reply)) return;
    if (isObject(reply.usage)) this.usage = reply.usage;
    if (reply.error !== undefined && reply.error !== null) this.error = errorText(reply.error);
    const choice: unknown = Array.isArray(reply.choices)
      ? (reply.choices as unknown[])[0]
      : undefined;
    const message = isObject(choice) && isObject(choice.message) ? choice.message : undefined;
    if (typeof message?.content === 'string') this.content += message.content;
  }
}

/** A readable message from an upstream error value (`{message}`, `{detail}`, a string...). */
export function errorText(error: unknown): string {
  if (typeof error === 'string') return error;
  if (isObject(error)) {
    for (const field of ['message', 'detail', 'error']) {
      const value = error[field];
      if (typeof value === 'string' && value !== '') return value;
      if (isObject(value)) return errorText(value);
    }
  }
  return JSON.stringify(error);
}
