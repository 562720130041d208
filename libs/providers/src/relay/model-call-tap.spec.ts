import { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import type { ModelCall } from '@atrium/observability';
import { ModelCallTap, readUsage } from './model-call-tap.js';

/** Feeds `chunks` through a tap as the relay does and returns what the call was told. */
function tapped(chunks: string[], contentType: string) {
  const told: { usage?: [number, number]; finish?: string; first: number } = { first: 0 };
  const call: ModelCall = {
    firstToken: () => (told.first += 1),
    usage: (input, output) => (told.usage = [input, output]),
    fail: () => undefined,
    end: (finish) => (told.finish = finish),
  };
  const upstream = Object.assign(new EventEmitter(), {
    headers: { 'content-type': contentType },
    statusCode: 200,
    complete: true,
  }) as unknown as IncomingMessage;
  const tap = new ModelCallTap(call, upstream, new AbortController().signal);
  for (const chunk of chunks) tap.chunk(Buffer.from(chunk));
  upstream.emit('close');
  return told;
}

describe('readUsage', () => {
  it('reads the final Ollama NDJSON line, even from a cut tail', () => {
    const tail =
      'ntent":"x"},"done":false}\n' +
      '{"done":true,"done_reason":"stop","prompt_eval_count":12,"eval_count":3}\n';
    expect(readUsage(tail, true, 'application/x-ndjson')).toEqual({
      inputTokens: 12,
      outputTokens: 3,
      finishReason: 'stop',
    });
  });

  it('reads the OpenAI usage chunk and finish reason before [DONE]', () => {
    const sse =
      'data: {"choices":[{"delta":{},"finish_reason":"length"}]}\n\n' +
      'data: {"choices":[],"usage":{"prompt_tokens":5,"completion_tokens":7}}\n\n' +
      'data: [DONE]\n\n';
    expect(readUsage(sse, false, 'text/event-stream')).toEqual({
      inputTokens: 5,
      outputTokens: 7,
      finishReason: 'length',
    });
  });

  it('reads a whole JSON reply and ignores what it cannot parse', () => {
    const reply =
      '{"choices":[{"finish_reason":"stop"}],"usage":{"prompt_tokens":1,"completion_tokens":2}}';
    expect(readUsage(reply, false, 'application/json')).toEqual({
      inputTokens: 1,
      outputTokens: 2,
      finishReason: 'stop',
    });
    expect(readUsage('not json', false, 'text/plain')).toEqual({});
    expect(readUsage('', false, undefined)).toEqual({});
  });
});

describe('ModelCallTap', () => {
  it('reads usage from the end of a long SSE stream', () => {
    const frame = (index: number) =>
      `data: {"choices":[{"delta":{"content":"token ${index} ${'x'.repeat(80)}"}}]}\n\n`;
    const chunks = Array.from({ length: 400 }, (_, index) => frame(index));
    chunks.push(
      'data: {"choices":[{"delta":{},"finish_reason":"stop"}]}\n\n',
      'data: {"choices":[],"usage":{"prompt_tokens":9,"completion_tokens":400}}\n\ndata: [DONE]\n\n',
    );
    expect(tapped(chunks, 'text/event-stream')).toEqual({
      first: 1,
      usage: [9, 400],
      finish: 'stop',
    });
  });

  it('falls back to the whole tail when the final Ollama line is longer than the quick read', () => {
    const context = Array.from({ length: 5_000 }, (_, index) => index).join(',');
    const chunks = [
      '{"response":"a","done":false}\n',
      `{"response":"","done":true,"done_reason":"length","context":[${context}],`,
      '"prompt_eval_count":4,"eval_count":1}\n',
    ];
    expect(tapped(chunks, 'application/x-ndjson')).toEqual({
      first: 1,
      usage: [4, 1],
      finish: 'length',
    });
  });
});
