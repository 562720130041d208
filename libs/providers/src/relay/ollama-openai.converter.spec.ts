import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  ollamaLineToChunk,
  ollamaReplyToCompletion,
  OllamaToOpenAIStream,
  openAIToOllamaChat,
} from './ollama-openai.converter.js';

async function convert(parts: string[]): Promise<string> {
  const out: Buffer[] = [];
  const stream = Readable.from(parts.map((part) => Buffer.from(part))).pipe(
    new OllamaToOpenAIStream('m'),
  );
  for await (const chunk of stream) out.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(out).toString('utf8');
}

describe('Ollama -> OpenAI conversion', () => {
  it('turns NDJSON split anywhere (even inside a UTF-8 character) into one frame per line', async () => {
    const lines =
      JSON.stringify({
        model: 'm',
        message: { role: 'assistant', content: 'héllo' },
        done: false,
      }) +
      '\n' +
      JSON.stringify({ model: 'm', message: { content: '' }, done: true, eval_count: 2 }) +
      '\n';
    const bytes = Buffer.from(lines);
    const cut = bytes.indexOf(0xa9); // second byte of "é"
    const out: Buffer[] = [];
    const stream = Readable.from([bytes.subarray(0, cut), bytes.subarray(cut)]).pipe(
      new OllamaToOpenAIStream('m'),
    );
    for await (const chunk of stream) out.push(Buffer.from(chunk as Buffer));
    const frames = Buffer.concat(out).toString('utf8').split('\n\n').filter(Boolean);
    expect(frames).toHaveLength(3);
    expect(JSON.parse(frames[0].slice(6)).choices[0].delta).toEqual({ content: 'héllo' });
    const last = JSON.parse(frames[1].slice(6));
    expect(last.choices[0].finish_reason).toBe('stop');
    expect(last.usage.completion_tokens).toBe(2);
    expect(frames[2]).toBe('data: [DONE]');
  });

  it('handles a last line without a trailing newline and skips blank lines', async () => {
    const text = await convert(['\n', JSON.stringify({ message: { content: 'a' }, done: false })]);
    expect(text.split('\n\n').filter(Boolean)).toHaveLength(2);
  });

  it('maps thinking to reasoning_content and tool calls to the OpenAI shape', () => {
    const chunk = ollamaLineToChunk(
      {
        model: 'm',
        message: {
          content: '',
          thinking: 'hmm',
          tool_calls: [{ function: { name: 'add', arguments: { a: 1 } } }],
        },
        done: false,
      },
      'id',
      1,
      'fallback',
    );
    const delta = (chunk.choices as { delta: Record<string, unknown> }[])[0].delta;
    expect(delta.reasoning_content).toBe('hmm');
    expect(delta.tool_calls).toEqual([
      {
        index: 0,
        id: expect.stringMatching(/^call_/),
        type: 'function',
        function: { name: 'add', arguments: '{"a":1}' },
      },
    ]);
  });

  it('converts a non-streamed reply with usage', () => {
    const completion = ollamaReplyToCompletion(
      {
        message: { role: 'assistant', content: 'hi' },
        done: true,
        prompt_eval_count: 3,
        eval_count: 4,
        eval_duration: 2e9,
        total_duration: 3725e9,
      },
      'model-id',
      10,
    );
    expect(completion).toMatchObject({
      object: 'chat.completion',
      model: 'model-id',
      created: 10,
      choices: [{ message: { role: 'assistant', content: 'hi' }, finish_reason: 'stop' }],
      usage: {
        prompt_tokens: 3,
        completion_tokens: 4,
        total_tokens: 7,
        'response_token/s': 2,
        'prompt_token/s': 'N/A',
        approximate_total: '1h2m5s',
      },
    });
  });

  it('converts an OpenAI request into an Ollama /api/chat body', () => {
    expect(
      openAIToOllamaChat(
        {
          model: 'prefixed.m',
          stream: true,
          seed: 7,
          max_completion_tokens: 10,
          response_format: { type: 'json_object' },
          messages: [
            { role: 'system', content: 'be brief' },
            {
              role: 'assistant',
              content: null,
              tool_calls: [
                { id: 'c', type: 'function', function: { name: 'f', arguments: '{"x":1}' } },
              ],
            },
          ],
        },
        'm',
      ),
    ).toEqual({
      model: 'm',
      stream: true,
      options: { seed: 7, num_predict: 10 },
      format: 'json',
      messages: [
        { role: 'system', content: 'be brief' },
        {
          role: 'assistant',
          content: '',
          tool_calls: [{ function: { name: 'f', arguments: { x: 1 } } }],
        },
      ],
    });
  });
});

describe('the plain-token fast path', () => {
  const ollamaLine = (content: string, model = 'llama3:latest') =>
    `{"model":${JSON.stringify(model)},"created_at":"2026-01-01T00:00:00.123Z","message":{"role":"assistant","content":${JSON.stringify(content)}},"done":false}`;

  it.each([
    'plain ',
    'quote " and backslash \\ and newline \n tab \t',
    'unicode ✓ 😀 and \u0001 control',
    '}],"object":"x"',
  ])('gives the same frame as parsing the line: %j', (content) => {
    const converter = new OllamaToOpenAIStream('m');
    const frame = converter.convertChunk(Buffer.from(`${ollamaLine(content)}\n`));
    const data = JSON.parse(frame.slice('data: '.length)) as Record<string, unknown>;
    const expected = ollamaLineToChunk(
      JSON.parse(ollamaLine(content)) as Record<string, unknown>,
      data.id as string,
      data.created as number,
      'm',
    );
    expect(frame.endsWith('\n\n')).toBe(true);
    expect(data).toEqual(expected);
    expect(frame).toBe(`data: ${JSON.stringify(expected)}\n\n`);
  });

  it('leaves Go-style escapes valid JSON carrying the same text', () => {
    const converter = new OllamaToOpenAIStream('m');
    const line = `{"model":"m","created_at":"2026-01-01T00:00:00Z","message":{"role":"assistant","content":"a \\u003cb\\u003e \\u0026"},"done":false}\n`;
    const frame = converter.convertChunk(Buffer.from(line));
    const data = JSON.parse(frame.slice('data: '.length)) as {
      choices: { delta: { content: string } }[];
    };
    expect(data.choices[0].delta.content).toBe('a <b> &');
  });

  it('takes the full path for empty content, thinking, and the final line', () => {
    const converter = new OllamaToOpenAIStream('m');
    const lines = [
      ollamaLine(''),
      '{"model":"m","created_at":"x","message":{"role":"assistant","content":"","thinking":"hm"},"done":false}',
      '{"model":"m","created_at":"x","message":{"role":"assistant","content":""},"done":true,"done_reason":"stop","eval_count":3}',
    ];
    const frames = converter
      .convertChunk(Buffer.from(`${lines.join('\n')}\n`))
      .split('\n\n')
      .filter(Boolean)
      .map((frame) => JSON.parse(frame.slice('data: '.length)) as Record<string, never>);
    expect(frames[0].choices[0]).toMatchObject({ finish_reason: 'stop', delta: {} });
    expect(frames[1].choices[0]).toMatchObject({ delta: { reasoning_content: 'hm' } });
    expect(frames[2]).toMatchObject({ usage: { completion_tokens: 3 } });
    expect(converter.finish()).toBe('data: [DONE]\n\n');
  });
});
