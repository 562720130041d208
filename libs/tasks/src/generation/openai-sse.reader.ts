import { StringDecoder } from 'node:string_decoder';

type Json = Record<string, unknown>;

/**
 * The JSON objects of an OpenAI server-sent-event stream (`data: {...}` lines), in order,
 * ending at `data: [DONE]` or at the end of the stream. Comments, other SSE fields and lines
 * that are not JSON objects are skipped; lines may be split across chunks.
 */
export async function* readOpenAISse(source: AsyncIterable<Buffer | string>): AsyncGenerator<Json> {
  const decoder = new StringDecoder('utf8');
  let buffer = '';
  for await (const chunk of source) {
    buffer += typeof chunk === 'string' ? chunk : decoder.write(chunk);
    let newline = buffer.indexOf('\n');
    while (newline >= 0) {
      const event = parseLine(buffer.slice(0, newline));
      buffer = buffer.slice(newline + 1);
      if (event === 'done') return;
      if (event) yield event;
      newline = buffer.indexOf('\n');
    }
  }
  const last = parseLine(buffer + decoder.end());
  if (last && last !== 'done') yield last;
}

function parseLine(raw: string): Json | 'done' | undefined {
  const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
  if (!line.startsWith('data:')) return undefined;
  const data = line.slice(5).trim();
  if (data === '[DONE]') return 'done';
  try {
    const value: unknown = JSON.parse(data);
    return value && typeof value === 'object' && !Array.isArray(value)
      ? (value as Json)
      : undefined;
  } catch {
    return undefined;
  }
}
