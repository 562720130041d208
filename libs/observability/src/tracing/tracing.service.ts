import {
  Inject,
  Injectable,
  Logger,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { context, propagation, trace } from '@opentelemetry/api';
import { APP_CONFIG, type AppConfig } from '@atrium/config';
import type { OtelHandle } from './otel-sdk.js';

/**
 * Starts OpenTelemetry tracing when ENABLE_OTEL and ENABLE_OTEL_TRACES are on (loading the SDK
 * only then) and stops it with the app. Spans are made through @opentelemetry/api, which is a
 * no-op until an SDK registers.
 */
@Injectable()
export class TracingService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Tracing');
  private handle?: OtelHandle;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  get enabled(): boolean {
    const otel = this.config.observability.otel;
    return otel.enabled && otel.traces;
  }

  async onModuleInit(): Promise<void> {
    if (!this.enabled) return;
    const { startOtel } = await import('./otel-sdk.js');
    this.handle = await startOtel(this.config.observability.otel);
    this.logger.log(
      `exporting traces over OTLP/${this.config.observability.otel.spanExporter} as ${this.config.observability.otel.serviceName}`,
    );
  }

  /** Exports every ended span now (tests, shutdown). */
  async flush(): Promise<void> {
    await this.handle?.forceFlush();
  }

  async onModuleDestroy(): Promise<void> {
    if (!this.handle) return;
    await this.handle.shutdown();
    this.handle = undefined;
    // Let a later app in the same process register its own SDK.
    trace.disable();
    propagation.disable();
    context.disable();
  }
}
