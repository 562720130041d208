import { StringDecoder } from 'node:string_decoder';

type Json = Record<string, unknown>;

/**
 * The JSON objects of an OpenAI server-sent-event stream (`data: {...}` lines), in order, up to
 * `data: [DONE]` or the end of the stream. Comments, other SSE fields and lines that are not JSON
 * objects are skipped; lines may be split across chunks. After [DONE] the source is still read
 * to its end (nothing more is yielded): returning early would destroy it before the caller can
 * tell a complete upstream reply from one that dropped.
 */
export async function* readOpenAISse(source: AsyncIterable<Buffer | string>): AsyncGenerator<Json> {
  const decoder = new StringDecoder('utf8');
  let buffer = '';
  let done = false;
  for await (const chunk of source) {
    if (done) continue;
    buffer += typeof chunk === 'string' ? chunk : decoder.write(chunk);
    let newline = buffer.indexOf('\n');
    while (newline >= 0) {
      const event = parseLine(buffer.slice(0, newline));
      buffer = buffer.slice(newline + 1);
      if (event === 'done') {
        done = true;
        break;
      }
      if (event) yield event;
      newline = buffer.indexOf('\n');
    }
  }
  if (done) return;
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
