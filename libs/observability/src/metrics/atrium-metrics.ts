import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
const TTFT_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60];

/**
 * Every Prometheus metric Atrium exposes on GET /metrics, on a registry of its own (so two apps
 * in one process do not collide). Libraries inject this class and call the helpers below:
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

  readonly httpRequestDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by method, route template and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  readonly activeStreams = new Gauge({
    name: 'atrium_active_streams',
    help: 'Completions being streamed to clients right now',
    labelNames: ['provider'] as const,
    registers: [this.registry],
  });

  readonly timeToFirstToken = new Histogram({
    name: 'atrium_time_to_first_token_seconds',
    help: 'Time from the request to the first streamed token',
    labelNames: ['provider', 'model'] as const,
    buckets: TTFT_BUCKETS,
    registers: [this.registry],
  });

  readonly tokensRelayed = new Counter({
    name: 'atrium_tokens_relayed_total',
    help: 'Tokens relayed from model servers to clients',
    labelNames: ['provider', 'model', 'kind'] as const,
    registers: [this.registry],
  });

  readonly upstreamErrors = new Counter({
    name: 'atrium_upstream_errors_total',
    help: 'Failed calls to model servers by connection and reason',
    labelNames: ['connection', 'reason'] as const,
    registers: [this.registry],
  });

  readonly modelListRefresh = new Histogram({
    name: 'atrium_model_list_refresh_seconds',
    help: "Latency of refreshing one connection's model list",
    labelNames: ['connection'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  readonly socketConnections = new Gauge({
    name: 'atrium_socket_connections',
    help: 'Open socket.io connections',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  observeHttpRequest(method: string, route: string, statusCode: number, seconds: number): void {
    this.httpRequestDuration.observe({ method, route, status_code: String(statusCode) }, seconds);
  }

  /** Counts a stream as active; call the returned function once when it ends (idempotent). */
  streamStarted(provider: string): () => void {
    this.activeStreams.inc({ provider });
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.activeStreams.dec({ provider });
    };
  }

  observeTimeToFirstToken(provider: string, model: string, seconds: number): void {
    this.timeToFirstToken.observe({ provider, model }, seconds);
  }

  addRelayedTokens(
    provider: string,
    model: string,
    tokens: number,
    kind: 'input' | 'output' = 'output',
  ): void {
    if (tokens > 0) this.tokensRelayed.inc({ provider, model, kind }, tokens);
  }

  upstreamError(connection: string, reason: string): void {
    this.upstreamErrors.inc({ connection, reason });
  }

  /** Starts timing a model-list refresh; call the returned function when it is done. */
  timeModelListRefresh(connection: string): () => void {
    return this.modelListRefresh.startTimer({ connection });
  }

  socketConnected(): void {
    this.socketConnections.inc();
  }

  socketDisconnected(): void {
    this.socketConnections.dec();
  }

  onModuleDestroy(): void {
    this.registry.clear();
  }
}
