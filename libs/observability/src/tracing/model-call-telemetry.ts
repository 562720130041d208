import { Injectable } from '@nestjs/common';
import { context, SpanKind, SpanStatusCode, type Span } from '@opentelemetry/api';
import { AtriumMetrics } from '../metrics/atrium-metrics.js';
import { tracerOf } from './tracers.js';

export interface ModelCallStart {
  /** gen_ai.system: "ollama", "openai"… */
  provider: string;
  /** The connection it goes to (label of upstream errors), e.g. "ollama-0". */
  connection: string;
  /** gen_ai.request.model. */
  model: string;
  /** gen_ai.operation.name; "chat" unless told. */
  operation?: string;
  streamed?: boolean;
}

/** One model call in flight; every method is safe to call more than once. */
export interface ModelCall {
  /** The first content token reached the client (time to first token). */
  firstToken(): void;
  /** Token usage as reported by the upstream (or counted). */
  usage(inputTokens: number, outputTokens: number): void;
  /** The upstream failed; `reason` is a short label ("timeout", "http_502", "refused"). */
  fail(reason: string, error?: unknown): void;
  /** The call is over (finish reason as the upstream gave it, e.g. "stop", "length"). */
  end(finishReason?: string): void;
}

/**
 * The one call the providers relay makes per model call: it feeds the Prometheus metrics
 * (active streams, time to first token, tokens relayed, upstream errors) and, when tracing is
 * on, a CLIENT span following the OpenTelemetry GenAI conventions (gen_ai.system,
 * gen_ai.request.model, gen_ai.usage.input_tokens/output_tokens, finish reasons, TTFT).
 *
 *   const call = telemetry.start({ provider: 'ollama', connection: 'ollama-0', model });
 *   … call.firstToken(); … call.usage(promptTokens, completionTokens); call.end('stop');
 */
@Injectable()
export class ModelCallTelemetry {
  constructor(private readonly metrics: AtriumMetrics) {}

  start(start: ModelCallStart): ModelCall {
    const operation = start.operation ?? 'chat';
    const startedAt = performance.now();
    const span: Span = tracerOf('atrium-genai').startSpan(
      `${operation} ${start.model}`,
      {
        kind: SpanKind.CLIENT,
        attributes: {
          'gen_ai.system': start.provider,
          'gen_ai.operation.name': operation,
          'gen_ai.request.model': start.model,
          'atrium.connection': start.connection,
        },
      },
      context.active(),
    );
    const endStream = start.streamed ? this.metrics.streamStarted(start.provider) : undefined;
    let sawFirstToken = false;
    let ended = false;
    let input = 0;
    let output = 0;
    return {
      firstToken: () => {
        if (sawFirstToken || ended) return;
        sawFirstToken = true;
        const seconds = (performance.now() - startedAt) / 1000;
        this.metrics.observeTimeToFirstToken(start.provider, start.model, seconds);
        span.setAttribute('gen_ai.response.time_to_first_token', seconds);
      },
      usage: (inputTokens, outputTokens) => {
        input = Math.max(0, inputTokens);
        output = Math.max(0, outputTokens);
      },
      fail: (reason, error) => {
        if (ended) return;
        this.metrics.upstreamError(start.connection, reason);
        span.setAttribute('error.type', reason);
        span.setStatus({
          code: SpanStatusCode.ERROR,
          message: error instanceof Error ? error.message : reason,
        });
      },
      end: (finishReason) => {
        if (ended) return;
        ended = true;
        endStream?.();
        this.metrics.addRelayedTokens(start.provider, start.model, input, 'input');
        this.metrics.addRelayedTokens(start.provider, start.model, output, 'output');
        span.setAttributes({
          'gen_ai.usage.input_tokens': input,
          'gen_ai.usage.output_tokens': output,
        });
        if (finishReason) span.setAttribute('gen_ai.response.finish_reasons', [finishReason]);
        span.end();
      },
    };
  }
}
