import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { CompletionAccumulator, errorText } from './completion-accumulator.js';
import { readOpenAISse } from './openai-sse.reader.js';

async function collect(chunks: string[]) {
  const source = Readable.from(chunks.map((chunk) => Buffer.from(chunk)));
  const out: Record<string, unknown>[] = [];
  for await (const event of readOpenAISse(source)) out.push(event);
  return out;
}

const chunk = (content: string) =>
  `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content } }] })}\n\n`;

describe('readOpenAISse', () => {
  it('yields data objects across split chunks and stops at [DONE]', async () => {
    const text =
      chunk('Hel') + ': keep-alive\n\n' + chunk('lo') + 'data: [DONE]\n\n' + chunk('after');
    const cut = [text.slice(0, 7), text.slice(7, 50), text.slice(50)];
    const events = await collect(cut);
    expect(events).toHaveLength(2);
    expect(events[1]).toEqual({ choices: [{ index: 0, delta: { content: 'lo' } }] });
  });

  it('keeps multi-byte characters split between chunks, CRLF lines and a last line without newline', async () => {
    const bytes = Buffer.from(chunk('héllo ✓').replace(/\n\n$/, '').replace('data: ', 'data:'));
    const events: Record<string, unknown>[] = [];
    const source = Readable.from([bytes.subarray(0, 40), bytes.subarray(40)]);
    for await (const event of readOpenAISse(source)) events.push(event);
    expect(events).toEqual([{ choices: [{ index: 0, delta: { content: 'héllo ✓' } }] }]);
    expect(await collect(['data: {"a":1}\r\n', 'data: not json\n', 'data: [1]\n'])).toEqual([
      { a: 1 },
    ]);
  });
});

describe('CompletionAccumulator', () => {
  it('builds the full text, keeps usage and in-band errors', () => {
    const reply = new CompletionAccumulator();
    expect(reply.addChunk({ choices: [{ delta: { role: 'assistant', content: 'Hi' } }] })).toBe(
      true,
    );
    expect(reply.addChunk({ choices: [{ delta: {}, finish_reason: 'stop' }] })).toBe(false);
    expect(reply.addChunk({ choices: [], usage: { prompt_tokens: 1 } })).toBe(false);
    expect(reply.addChunk({ error: { message: 'overloaded' } })).toBe(false);
    expect(reply).toMatchObject({
      content: 'Hi',
      usage: { prompt_tokens: 1 },
      error: 'overloaded',
    });
  });

  it('reads the source to its end after [DONE], yielding nothing more', async () => {
    const source = Readable.from(
      ['data: {"n":1}\n\ndata: [DONE]\n\n', 'data: {"n":2}\n\n'].map((chunk) => Buffer.from(chunk)),
    );
    let ended = false;
    source.once('end', () => (ended = true));
    const out: unknown[] = [];
    for await (const event of readOpenAISse(source)) out.push(event);
    expect(out).toEqual([{ n: 1 }]);
    expect(ended).toBe(true);
  });

  it('reads a whole chat.completion', () => {
    const reply = new CompletionAccumulator();
    reply.addCompletion({
      choices: [{ message: { content: 'Whole' } }],
      usage: { total_tokens: 3 },
    });
    expect(reply).toMatchObject({ content: 'Whole', usage: { total_tokens: 3 } });
  });

  it('turns error values into text', () => {
    expect(errorText({ error: { message: 'rate limited' } })).toBe('rate limited');
    expect(errorText({ detail: 'Ollama: boom' })).toBe('Ollama: boom');
    expect(errorText('plain')).toBe('plain');
    expect(errorText({ code: 1 })).toBe('{"code":1}');
  });
});
