/**
 * Every Atrium metric, defined once. AtriumMetrics builds the prom-client instrument (GET
 * /metrics) from it and, when ENABLE_OTEL_METRICS is on, PrometheusMetricProducer exports that
 * instrument's series over OTLP under the OTel name, unit and attribute keys given here.
 */
export interface MetricDefinition {
  kind: 'histogram' | 'counter' | 'updown';
  /** Prometheus name (snake_case, with its unit and _total suffix). */
  prom: string;
  /** OpenTelemetry name (dotted, unit separate). */
  otel: string;
  unit: string;
  help: string;
  /** Prometheus label names, in order. */
  labels: readonly string[];
  /** OTel attribute key of each label (same order); the label name when absent. */
  otelAttributes?: readonly string[];
  buckets?: readonly number[];
}

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
const TTFT_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60];

export const METRIC_DEFINITIONS = {
  httpRequestDuration: {
    kind: 'histogram',
    prom: 'http_request_duration_seconds',
    otel: 'http.server.request.duration',
    unit: 's',
    help: 'HTTP request duration by method, route template and status code',
    labels: ['method', 'route', 'status_code'],
    otelAttributes: ['http.request.method', 'http.route', 'http.response.status_code'],
    buckets: LATENCY_BUCKETS,
  },
  activeStreams: {
    kind: 'updown',
    prom: 'atrium_active_streams',
    otel: 'atrium.active_streams',
    unit: '{stream}',
    help: 'Completions being streamed to clients right now',
    labels: ['provider'],
    otelAttributes: ['gen_ai.system'],
  },
  timeToFirstToken: {
    kind: 'histogram',
    prom: 'atrium_time_to_first_token_seconds',
    otel: 'gen_ai.server.time_to_first_token',
    unit: 's',
    help: 'Time from the request to the first streamed token',
    labels: ['provider', 'model'],
    otelAttributes: ['gen_ai.system', 'gen_ai.request.model'],
    buckets: TTFT_BUCKETS,
  },
  tokensRelayed: {
    kind: 'counter',
    prom: 'atrium_tokens_relayed_total',
    otel: 'atrium.tokens_relayed',
    unit: '{token}',
    help: 'Tokens relayed from model servers to clients',
    labels: ['provider', 'model', 'kind'],
    otelAttributes: ['gen_ai.system', 'gen_ai.request.model', 'gen_ai.token.type'],
  },
  upstreamErrors: {
    kind: 'counter',
    prom: 'atrium_upstream_errors_total',
    otel: 'atrium.upstream_errors',
    unit: '{error}',
    help: 'Failed calls to model servers by connection and reason',
    labels: ['connection', 'reason'],
    otelAttributes: ['atrium.connection', 'error.type'],
  },
  modelListRefresh: {
    kind: 'histogram',
    prom: 'atrium_model_list_refresh_seconds',
    otel: 'atrium.model_list_refresh.duration',
    unit: 's',
    help: "Latency of refreshing one connection's model list",
    labels: ['connection'],
    otelAttributes: ['atrium.connection'],
    buckets: LATENCY_BUCKETS,
  },
  socketConnections: {
    kind: 'updown',
    prom: 'atrium_socket_connections',
    otel: 'atrium.socket_connections',
    unit: '{connection}',
    help: 'Open socket.io connections',
    labels: [],
  },
} as const satisfies Record<string, MetricDefinition>;

export type MetricName = keyof typeof METRIC_DEFINITIONS;
