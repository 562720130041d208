import type { Attributes } from '@opentelemetry/api';
import {
  AggregationTemporality,
  DataPointType,
  MeterProvider,
  MetricReader,
  type MetricData,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { afterEach, describe, expect, it } from 'vitest';
import { AtriumMetrics } from './atrium-metrics.js';
import { METRIC_DEFINITIONS, type MetricDefinition } from './metric-definitions.js';
import { PrometheusMetricProducer } from './prometheus-metric-producer.js';

/** A pull reader: collect() on demand, as PeriodicExportingMetricReader does on each interval. */
class PullReader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

const providers: MeterProvider[] = [];
afterEach(async () => {
  await Promise.all(providers.splice(0).map((provider) => provider.shutdown()));
});

/** Collects through a real SDK reader (as OTLP export does) with `producer` plugged in. */
async function collectVia(producer: PrometheusMetricProducer): Promise<ResourceMetrics> {
  const reader = new PullReader({ metricProducers: [producer] });
  providers.push(new MeterProvider({ readers: [reader] }));
  const { resourceMetrics, errors } = await reader.collect();
  expect(errors).toEqual([]);
  return resourceMetrics;
}

const byName = (resource: ResourceMetrics) =>
  new Map(
    resource.scopeMetrics
      .flatMap((scope) => scope.metrics)
      .map((metric) => [metric.descriptor.name, metric]),
  );

/** The same measurements on any sink, so the producer and the SDK can be compared. */
function recordSample(metrics: AtriumMetrics): void {
  metrics.observeHttpRequest('GET', '/api/models', 200, 0.003);
  metrics.observeHttpRequest('GET', '/api/models', 200, 0.2);
  metrics.observeHttpRequest('GET', '/api/models', 200, 0.01); // on a bound: that bucket
  metrics.observeHttpRequest('GET', '/api/models', 200, 100); // above every bound
  metrics.observeHttpRequest('POST', '/api/chat/completions', 500, 1.5);
  metrics.addRelayedTokens('ollama', 'llama3', 12);
  metrics.addRelayedTokens('ollama', 'llama3', 30);
  metrics.addRelayedTokens('ollama', 'llama3', 7, 'input');
  const endFirst = metrics.streamStarted('ollama');
  metrics.streamStarted('ollama');
  metrics.streamStarted('openai')();
  endFirst();
  metrics.socketConnected();
  metrics.socketConnected();
  metrics.socketDisconnected();
}

describe('PrometheusMetricProducer', () => {
  it('converts each kind of Atrium metric to OTel MetricData', async () => {
    const metrics = new AtriumMetrics();
    recordSample(metrics);
    const resource = await collectVia(new PrometheusMetricProducer(metrics));

    expect(resource.scopeMetrics.map((scope) => scope.scope)).toEqual([
      { name: 'atrium', version: '' },
    ]);
    const data = byName(resource);
    // Only the Atrium metrics with series; no prom-client default (process_*, nodejs_*) ones.
    expect([...data.keys()].sort()).toEqual([
      'atrium.active_streams',
      'atrium.socket_connections',
      'atrium.tokens_relayed',
      'http.server.request.duration',
    ]);
    const bounds = [...METRIC_DEFINITIONS.httpRequestDuration.buckets];
    const counts = (...pairs: [number, number][]) => {
      const result = new Array<number>(bounds.length + 1).fill(0);
      for (const [bound, count] of pairs) {
        result[bound === Infinity ? bounds.length : bounds.indexOf(bound)] = count;
      }
      return result;
    };
    expect(pointsOf(data.get('http.server.request.duration')!)).toEqual({
      descriptor: {
        name: 'http.server.request.duration',
        description: 'HTTP request duration by method, route template and status code',
        unit: 's',
        valueType: 1,
      },
      aggregationTemporality: AggregationTemporality.CUMULATIVE,
      dataPointType: DataPointType.HISTOGRAM,
      dataPoints: [
        {
          attributes: {
            'http.request.method': 'GET',
            'http.route': '/api/models',
            'http.response.status_code': '200',
          },
          value: {
            buckets: {
              boundaries: bounds,
              counts: counts([0.005, 1], [0.01, 1], [0.25, 1], [Infinity, 1]),
            },
            sum: 0.003 + 0.2 + 0.01 + 100,
            count: 4,
          },
        },
        {
          attributes: {
            'http.request.method': 'POST',
            'http.route': '/api/chat/completions',
            'http.response.status_code': '500',
          },
          value: { buckets: { boundaries: bounds, counts: counts([2.5, 1]) }, sum: 1.5, count: 1 },
        },
      ],
    });
    expect(pointsOf(data.get('atrium.tokens_relayed')!)).toMatchObject({
      descriptor: { name: 'atrium.tokens_relayed', unit: '{token}', valueType: 1 },
      aggregationTemporality: AggregationTemporality.CUMULATIVE,
      dataPointType: DataPointType.SUM,
      isMonotonic: true,
      dataPoints: [
        {
          attributes: {
            'gen_ai.system': 'ollama',
            'gen_ai.request.model': 'llama3',
            'gen_ai.token.type': 'output',
          },
          value: 42,
        },
        {
          attributes: {
            'gen_ai.system': 'ollama',
            'gen_ai.request.model': 'llama3',
            'gen_ai.token.type': 'input',
          },
          value: 7,
        },
      ],
    });
    expect(pointsOf(data.get('atrium.active_streams')!)).toMatchObject({
      dataPointType: DataPointType.SUM,
      isMonotonic: false,
      dataPoints: [
        { attributes: { 'gen_ai.system': 'ollama' }, value: 1 },
        { attributes: { 'gen_ai.system': 'openai' }, value: 0 },
      ],
    });
    expect(pointsOf(data.get('atrium.socket_connections')!)).toMatchObject({
      descriptor: { name: 'atrium.socket_connections', unit: '{connection}' },
      dataPointType: DataPointType.SUM,
      isMonotonic: false,
      dataPoints: [{ attributes: {}, value: 1 }],
    });
  });

  it('keeps one start time per series across collections and moves the end time', async () => {
    const metrics = new AtriumMetrics();
    const producer = new PrometheusMetricProducer(metrics);
    metrics.upstreamError('local', 'timeout');
    const first = (await producer.collect()).resourceMetrics.scopeMetrics[0].metrics[0];
    await new Promise((resolve) => setTimeout(resolve, 5));
    metrics.upstreamError('local', 'timeout');
    const second = (await producer.collect()).resourceMetrics.scopeMetrics[0].metrics[0];

    const [before, after] = [first.dataPoints[0], second.dataPoints[0]];
    expect([before.value, after.value]).toEqual([1, 2]);
    expect(after.attributes).toEqual({ 'atrium.connection': 'local', 'error.type': 'timeout' });
    expect(after.startTime).toEqual(before.startTime);
    const seconds = ([s, ns]: [number, number]) => s + ns / 1e9;
    expect(seconds(before.startTime)).toBeCloseTo(metrics.startTime / 1000, 3);
    expect(seconds(after.endTime)).toBeGreaterThan(seconds(before.endTime));
  });

  it('exports nothing while no Atrium metric has a series', async () => {
    const producer = new PrometheusMetricProducer(new AtriumMetrics());
    const socketsOnly = byName(await collectVia(producer));
    // An unlabelled prom-client gauge exists from the start (0), like its /metrics line.
    expect([...socketsOnly.keys()]).toEqual(['atrium.socket_connections']);
    const cleared = new AtriumMetrics();
    cleared.onModuleDestroy();
    const { resourceMetrics } = await new PrometheusMetricProducer(cleared).collect();
    expect(resourceMetrics.scopeMetrics).toEqual([]);
  });

  it('matches what the OpenTelemetry SDK instruments recorded before (but min/max)', async () => {
    const metrics = new AtriumMetrics();
    recordSample(metrics);
    const fromProm = byName(await collectVia(new PrometheusMetricProducer(metrics)));

    // The former wiring: the same calls mirrored to SDK instruments of each definition.
    const reader = new PullReader();
    const provider = new MeterProvider({ readers: [reader] });
    providers.push(provider);
    recordSample(mirrorToSdk(provider));
    const fromSdk = byName((await reader.collect()).resourceMetrics);

    for (const [name, sdk] of fromSdk) {
      const prom = fromProm.get(name);
      expect(prom, name).toBeDefined();
      expect(pointsOf(prom!, true), name).toEqual(pointsOf(sdk, true));
    }
    expect([...fromSdk.keys()].sort()).toEqual([...fromProm.keys()].sort());
    expect(fromSdk.size).toBe(4);
  });
});

/**
 * Metric data as OTLP carries it: no times, descriptor fields the exporter sends and, when
 * `sorted`, points in a stable order without min/max.
 */
function pointsOf(metric: MetricData, sorted = false) {
  const { name, description, unit, valueType } = metric.descriptor;
  const dataPoints = metric.dataPoints.map(({ attributes, value }) => {
    if (!sorted || typeof value !== 'object') return { attributes, value };
    const { min: _min, max: _max, ...rest } = value as { min?: number; max?: number };
    return { attributes, value: rest };
  });
  if (sorted) dataPoints.sort((a, b) => key(a.attributes).localeCompare(key(b.attributes)));
  return { ...metric, descriptor: { name, description, unit, valueType }, dataPoints };
}

const key = (attributes: Attributes) => JSON.stringify(Object.entries(attributes).sort());

/**
 * An AtriumMetrics-shaped recorder on SDK instruments (as attachMeter did): each helper call
 * goes to the OTel histogram / counter / up-down counter of its definition.
 */
function mirrorToSdk(provider: MeterProvider): AtriumMetrics {
  const meter = provider.getMeter('atrium');
  const recorders = new Map<string, (value: number, attributes: Attributes) => void>();
  for (const definition of Object.values(METRIC_DEFINITIONS) as MetricDefinition[]) {
    const options = { description: definition.help, unit: definition.unit };
    if (definition.kind === 'histogram') {
      const histogram = meter.createHistogram(definition.otel, {
        ...options,
        advice: { explicitBucketBoundaries: [...(definition.buckets ?? [])] },
      });
      recorders.set(definition.prom, (value, attributes) => histogram.record(value, attributes));
    } else {
      const sum =
        definition.kind === 'counter'
          ? meter.createCounter(definition.otel, options)
          : meter.createUpDownCounter(definition.otel, options);
      recorders.set(definition.prom, (value, attributes) => sum.add(value, attributes));
    }
  }
  // Intercept the facade's single recording point with the definition's OTel attribute keys.
  const mirror = new AtriumMetrics();
  const definitions = METRIC_DEFINITIONS as Record<string, MetricDefinition>;
  Object.assign(mirror, {
    record(name: string, values: readonly string[], value: number) {
      const definition = definitions[name];
      const attributes: Attributes = {};
      (definition.otelAttributes ?? definition.labels).forEach(
        (attribute, index) => (attributes[attribute] = values[index]),
      );
      recorders.get(definition.prom)!(value, attributes);
    },
  });
  return mirror;
}
