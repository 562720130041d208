import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import {
  METRIC_DEFINITIONS,
  type MetricDefinition,
  type MetricName,
} from './metric-definitions.js';

/** The prom-client calls the facade makes (histogram.observe, counter/gauge inc, gauge dec). */
interface PromInstrument {
  observe?(labels: Record<string, string>, value: number): void;
  inc?(labels: Record<string, string>, value: number): void;
  dec?(labels: Record<string, string>, value: number): void;
}

/**
 * The one metrics facade: every Atrium metric (metric-definitions.ts) on a prom-client registry
 * of its own (GET /metrics; two apps in one process do not collide). With ENABLE_OTEL_METRICS the
 * OTLP exporter reads that same registry at each collection (PrometheusMetricProducer), so a
 * measurement is recorded once. Libraries inject this class and call the helpers below:
 *
 * | helper                         | who calls it                                                |
 * |--------------------------------|-------------------------------------------------------------|
 * | observeHttpRequest             | ObservabilityModule's HTTP middleware (every request)       |
 * | streamStarted → end()          | providers relay: when a streamed completion starts / ends   |
 * | observeTimeToFirstToken        | providers relay: first content chunk of a completion        |
 * | addRelayedTokens               | providers relay: usage (or counted chunks) when a call ends |
 * | upstreamError                  | providers adapters: any failed call to a model server       |
 * | timeModelListRefresh → end()   | providers model aggregation: each connection's list refresh |
 * | socketConnected / Disconnected | realtime gateway: socket.io connect / disconnect            |
 */
@Injectable()
export class AtriumMetrics implements OnModuleDestroy {
  readonly registry = new Registry();
  /** Epoch ms before any measurement: the start of every cumulative series exported over OTLP. */
  readonly startTime = performance.timeOrigin + performance.now();
  private readonly prom = new Map<MetricName, PromInstrument>();

  constructor() {
    for (const [name, definition] of Object.entries(METRIC_DEFINITIONS) as [
      MetricName,
      MetricDefinition,
    ][]) {
      this.prom.set(name, this.promInstrument(definition));
    }
    collectDefaultMetrics({ register: this.registry });
  }

  observeHttpRequest(method: string, route: string, statusCode: number, seconds: number): void {
    this.record('httpRequestDuration', [method, route, String(statusCode)], seconds);
  }

  /** Counts a stream as active; call the returned function once when it ends (idempotent). */
  streamStarted(provider: string): () => void {
    this.record('activeStreams', [provider], 1);
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.record('activeStreams', [provider], -1);
    };
  }

  observeTimeToFirstToken(provider: string, model: string, seconds: number): void {
    this.record('timeToFirstToken', [provider, model], seconds);
  }

  addRelayedTokens(
    provider: string,
    model: string,
    tokens: number,
    kind: 'input' | 'output' = 'output',
  ): void {
    if (tokens > 0) this.record('tokensRelayed', [provider, model, kind], tokens);
  }

  upstreamError(connection: string, reason: string): void {
    this.record('upstreamErrors', [connection, reason], 1);
  }

  /** Starts timing a model-list refresh; call the returned function when it is done. */
  timeModelListRefresh(connection: string): () => void {
    const started = performance.now();
    return () =>
      this.record('modelListRefresh', [connection], (performance.now() - started) / 1000);
  }

  socketConnected(): void {
    this.record('socketConnections', [], 1);
  }

  socketDisconnected(): void {
    this.record('socketConnections', [], -1);
  }

  onModuleDestroy(): void {
    this.registry.clear();
  }

  private record(name: MetricName, values: readonly string[], value: number): void {
    const definition: MetricDefinition = METRIC_DEFINITIONS[name];
    const labels: Record<string, string> = {};
    definition.labels.forEach((label, index) => (labels[label] = values[index]));
    const prom = this.prom.get(name)!;
    if (definition.kind === 'histogram') prom.observe!(labels, value);
    else if (value >= 0) prom.inc!(labels, value);
    else prom.dec!(labels, -value);
  }

  private promInstrument(definition: MetricDefinition): PromInstrument {
    const common = {
      name: definition.prom,
      help: definition.help,
      labelNames: [...definition.labels],
      registers: [this.registry],
    };
    if (definition.kind === 'histogram') {
      return new Histogram({
        ...common,
        buckets: [...(definition.buckets ?? [])],
      });
    }
    return definition.kind === 'counter' ? new Counter(common) : new Gauge(common);
  }
}
