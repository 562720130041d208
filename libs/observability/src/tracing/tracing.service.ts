import {
  Inject,
  Injectable,
  Logger,
  Optional,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { context, SpanKind, trace, type Attributes } from '@opentelemetry/api';
import { APP_CONFIG, type AppConfig } from '@atrium/config';
import { DataSource } from 'typeorm';
import { AtriumLogger } from '../logging/atrium-logger.js';
import { AtriumMetrics } from '../metrics/atrium-metrics.js';
import type { OtelSignals } from './otel-sdk.js';
import { endWhenSettled, failSpan } from './span-helpers.js';
import { tracerOf } from './tracers.js';

/**
 * Starts OpenTelemetry when ENABLE_OTEL and at least one of ENABLE_OTEL_TRACES / _METRICS /
 * _LOGS are on (loading the SDK only then) and stops it with the app: traces get database and
 * Redis spans, OTLP metrics are read from the metrics facade's registry, the logger mirrors to
 * OTel log records.
 * Spans are made through @opentelemetry/api, which is a no-op until an SDK registers.
 */
@Injectable()
export class TracingService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Tracing');
  private signals?: OtelSignals;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly metrics: AtriumMetrics,
    private readonly atriumLogger: AtriumLogger,
    @Optional() @Inject(DataSource) private readonly dataSource?: DataSource,
  ) {}

  /** True when spans are recorded and exported (ENABLE_OTEL and ENABLE_OTEL_TRACES). */
  get enabled(): boolean {
    const otel = this.config.observability.otel;
    return otel.enabled && otel.traces;
  }

  async onModuleInit(): Promise<void> {
    const otel = this.config.observability.otel;
    if (!otel.enabled || !(otel.traces || otel.metrics || otel.logs)) return;
    const { startOtel } = await import('./otel-sdk.js');
    this.signals = await startOtel(otel, this.metrics);
    if (otel.traces) {
      if (this.dataSource) {
        const { traceDatabaseQueries } = await import('./database-tracing.js');
        traceDatabaseQueries(this.dataSource);
      }
      const { traceRedisCommands } = await import('./redis-tracing.js');
      await traceRedisCommands();
    }
    if (this.signals.emitLog) this.atriumLogger.attachOtel(this.signals.emitLog);
    const on = (['traces', 'metrics', 'logs'] as const).filter((signal) => otel[signal]);
    this.logger.log(
      `exporting ${on.join(', ')} over OTLP/${otel.spanExporter} as ${otel.serviceName}`,
    );
  }

  /**
   * Runs `run` inside an INTERNAL span (a SERVER one for `kind: 'server'`) that ends when it
   * returns or its promise settles; a throw or rejection marks the span as an error. Without
   * tracing it just runs `run`. Used e.g. by the realtime gateway for socket.io events:
   *
   *   tracing.inSpan('socket.io chat-events', { 'socket.io.event': 'chat-events' }, () => …)
   */
  inSpan<T>(
    name: string,
    attributes: Attributes,
    run: () => T,
    options: { kind?: 'internal' | 'server' } = {},
  ): T {
    if (!this.enabled) return run();
    const span = tracerOf('atrium').startSpan(name, {
      kind: options.kind === 'server' ? SpanKind.SERVER : SpanKind.INTERNAL,
      attributes,
    });
    try {
      return endWhenSettled(span, context.with(trace.setSpan(context.active(), span), run));
    } catch (error) {
      failSpan(span, error);
      span.end();
      throw error;
    }
  }

  /** Exports every ended span, pending metric and log record now (tests, shutdown). */
  async flush(): Promise<void> {
    await this.signals?.forceFlush();
  }

  async onModuleDestroy(): Promise<void> {
    if (!this.signals) return;
    this.atriumLogger.attachOtel(undefined);
    const signals = this.signals;
    this.signals = undefined;
    await signals.shutdown();
  }
}
