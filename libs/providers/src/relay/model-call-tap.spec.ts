import { describe, expect, it } from 'vitest';
import { readUsage } from './model-call-tap.js';

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
