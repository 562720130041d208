import { ValueType, type Attributes, type HrTime } from '@opentelemetry/api';
import { emptyResource } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  DataPointType,
  type CollectionResult,
  type Histogram,
  type MetricData,
  type MetricProducer,
} from '@opentelemetry/sdk-metrics';
import type { Registry } from 'prom-client';
import { METRIC_DEFINITIONS, type MetricDefinition } from './metric-definitions.js';

/** Where the producer reads from: AtriumMetrics (its registry and when its series started). */
export interface PrometheusMetricSource {
  readonly registry: Registry;
  /** Epoch milliseconds before any measurement: the start time of every cumulative series. */
  readonly startTime: number;
}

/** One value of a prom-client metric's get(): a series, or a histogram's bucket/_sum/_count. */
interface PromValue {
  value: number;
  labels: Partial<Record<string, string | number>>;
  metricName?: string;
}

const DEFINITIONS = Object.values(METRIC_DEFINITIONS) as MetricDefinition[];

/**
 * An OpenTelemetry MetricProducer over AtriumMetrics' prom-client registry: at each OTLP
 * collection it converts the Atrium metrics (metric-definitions.ts; not prom-client's default
 * process metrics) to one 'atrium' ScopeMetrics, so a measurement is recorded once (prom-client)
 * and exported twice (GET /metrics and OTLP). Names, units, descriptions and attribute keys are
 * the OTel ones of each definition; every series is CUMULATIVE from the source's start time.
 * Histograms carry no min/max: prom-client does not keep them (both are optional in OTLP).
 */
export class PrometheusMetricProducer implements MetricProducer {
  private readonly startTime: HrTime;

  constructor(private readonly source: PrometheusMetricSource) {
    this.startTime = toHrTime(source.startTime);
  }

  async collect(): Promise<CollectionResult> {
    const endTime = toHrTime(performance.timeOrigin + performance.now());
    const metrics: MetricData[] = [];
    for (const definition of DEFINITIONS) {
      const metric = this.source.registry.getSingleMetric(definition.prom);
      if (!metric) continue;
      const values = (await metric.get()).values as PromValue[];
      const data = this.convert(definition, values, endTime);
      if (data.dataPoints.length > 0) metrics.push(data);
    }
    return {
      resourceMetrics: {
        resource: emptyResource(),
        scopeMetrics:
          metrics.length > 0 ? [{ scope: { name: 'atrium', version: '' }, metrics }] : [],
      },
      errors: [],
    };
  }

  private convert(definition: MetricDefinition, values: PromValue[], endTime: HrTime): MetricData {
    const common = {
      descriptor: {
        name: definition.otel,
        description: definition.help,
        unit: definition.unit,
        valueType: ValueType.DOUBLE,
      },
      aggregationTemporality: AggregationTemporality.CUMULATIVE,
    };
    const point = <T>(labels: PromValue['labels'], value: T) => ({
      startTime: this.startTime,
      endTime,
      attributes: attributesOf(definition, labels),
      value,
    });
    if (definition.kind !== 'histogram') {
      return {
        ...common,
        dataPointType: DataPointType.SUM,
        isMonotonic: definition.kind === 'counter',
        dataPoints: values.map(({ labels, value }) => point(labels, value)),
      };
    }
    return {
      ...common,
      dataPointType: DataPointType.HISTOGRAM,
      dataPoints: histogramsOf(definition, values).map(({ labels, value }) => point(labels, value)),
    };
  }
}

/**
 * Groups prom-client's histogram values (per series: cumulative `_bucket` counts by `le`, `_sum`,
 * `_count`) into OTel histograms with per-bucket counts; the last bucket is above the last bound.
 */
function histogramsOf(
  definition: MetricDefinition,
  values: PromValue[],
): { labels: PromValue['labels']; value: Histogram }[] {
  const boundaries = [...(definition.buckets ?? [])];
  const series = new Map<
    string,
    { labels: PromValue['labels']; cumulative: number[]; value: Histogram }
  >();
  for (const { labels, value, metricName } of values) {
    const key = definition.labels.map((label) => String(labels[label])).join('\u0000');
    let entry = series.get(key);
    if (!entry) {
      entry = {
        labels,
        cumulative: boundaries.map(() => 0),
        value: { buckets: { boundaries, counts: [] }, sum: 0, count: 0 },
      };
      series.set(key, entry);
    }
    if (metricName === `${definition.prom}_sum`) entry.value.sum = value;
    else if (metricName === `${definition.prom}_count`) entry.value.count = value;
    else {
      const index = boundaries.indexOf(Number(labels.le));
      if (index >= 0) entry.cumulative[index] = value;
    }
  }
  return [...series.values()].map(({ labels, cumulative, value }) => {
    let below = 0;
    value.buckets.counts = [...cumulative, value.count].map((atOrBelow) => {
      const count = atOrBelow - below;
      below = atOrBelow;
      return count;
    });
    return { labels, value };
  });
}

/** The OTel attributes of one prom series: each label under its definition's OTel key. */
function attributesOf(definition: MetricDefinition, labels: PromValue['labels']): Attributes {
  const keys = definition.otelAttributes ?? definition.labels;
  const attributes: Attributes = {};
  definition.labels.forEach((label, index) => {
    const value = labels[label];
    if (value !== undefined) attributes[keys[index]] = value;
  });
  return attributes;
}

function toHrTime(epochMillis: number): HrTime {
  const seconds = Math.floor(epochMillis / 1000);
  return [seconds, Math.min(999_999_999, Math.round((epochMillis - seconds * 1000) * 1e6))];
}
