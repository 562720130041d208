import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import type { OtelConfig } from '@atrium/config';
import { AtriumMetrics } from '../metrics/atrium-metrics.js';
import { httpSignalUrl, httpTracesUrl, parseResourceAttributes, startOtel } from './otel-sdk.js';

describe('OTLP settings', () => {
  it('parses OTEL_RESOURCE_ATTRIBUTES', () => {
    expect(parseResourceAttributes('a=1, b = two%20words ,bad,=x,c=%E0%A4%A')).toEqual({
      a: '1',
      b: 'two words',
      c: '%E0%A4%A',
    });
    expect(parseResourceAttributes(undefined)).toEqual({});
  });

  it('adds /v1/traces only to an endpoint without a path', () => {
    expect(httpTracesUrl('http://collector:4318')).toBe('http://collector:4318/v1/traces');
    expect(httpTracesUrl('http://collector:4318/')).toBe('http://collector:4318/v1/traces');
    expect(httpTracesUrl('https://otlp.example/api/traces')).toBe(
      'https://otlp.example/api/traces',
    );
    expect(httpSignalUrl('http://collector:4318', 'metrics')).toBe(
      'http://collector:4318/v1/metrics',
    );
    expect(httpSignalUrl('http://collector:4318/', 'logs')).toBe('http://collector:4318/v1/logs');
  });
});

/** A loopback OTLP/HTTP collector recording each export's path, headers and first byte. */
async function startCollector() {
  const received: { path: string; headers: IncomingHttpHeaders; firstByte: number }[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      received.push({ path: request.url ?? '', headers: request.headers, firstByte: body[0] });
      response.writeHead(200, { 'Content-Type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    received,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function otelConfig(endpoint: string, changes: Partial<OtelConfig> = {}): OtelConfig {
  return {
    enabled: true,
    traces: true,
    metrics: true,
    logs: true,
    endpoint,
    insecure: false,
    spanExporter: 'http',
    serviceName: 'atrium-unit',
    tracesSampler: 'always_on',
    tracesSamplerRatio: 1,
    basicAuth: { username: 'collector', password: 'pass' },
    metricsExportIntervalMillis: 60_000,
    spanBatch: {
      scheduledDelayMillis: 5000,
      maxQueueSize: 2048,
      maxExportBatchSize: 512,
      exportTimeoutMillis: 30_000,
    },
    ...changes,
  };
}

describe('OTLP/HTTP exports', () => {
  it('sends traces, metrics and logs as protobuf, as Open WebUI does', async () => {
    const collector = await startCollector();
    const { received } = collector;
    const config = otelConfig(collector.url);
    const metrics = new AtriumMetrics();
    metrics.socketConnected();
    const otel = await startOtel(config, metrics);
    try {
      trace.getTracer('unit').startSpan('GET /health').end();
      otel.emitLog!({ severityNumber: 9, severityText: 'INFO', body: 'hello', attributes: {} });
      await otel.forceFlush();
    } finally {
      await otel.shutdown();
      metrics.onModuleDestroy();
      await collector.close();
    }
    // (shutdown exports the metrics once more)
    expect([...new Set(received.map((item) => item.path))].sort()).toEqual([
      '/v1/logs',
      '/v1/metrics',
      '/v1/traces',
    ]);
    for (const { path, headers, firstByte } of received) {
      expect(headers['content-type'], path).toBe('application/x-protobuf');
      expect(headers.authorization, path).toBe(
        `Basic ${Buffer.from('collector:pass').toString('base64')}`,
      );
      // Field 1 (resource_spans / resource_metrics / resource_logs), length-delimited: not JSON.
      expect(firstByte, path).toBe(0x0a);
    }
  });

  it('batches spans as OTEL_BSP_* say: a full batch goes at once, not after the delay', async () => {
    const collector = await startCollector();
    const metrics = new AtriumMetrics();
    const config = otelConfig(collector.url, {
      metrics: false,
      logs: false,
      spanBatch: {
        scheduledDelayMillis: 60_000,
        maxQueueSize: 8,
        maxExportBatchSize: 2,
        exportTimeoutMillis: 30_000,
      },
    });
    const otel = await startOtel(config, metrics);
    try {
      const tracer = trace.getTracer('unit');
      for (let index = 0; index < 5; index += 1) tracer.startSpan(`span ${index}`).end();
      // Two full batches of 2 are sent without a flush; the fifth span waits for the delay.
      const deadline = Date.now() + 5_000;
      while (collector.received.length < 2 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(collector.received.map((item) => item.path)).toEqual(['/v1/traces', '/v1/traces']);
      await otel.forceFlush();
      expect(collector.received).toHaveLength(3);
    } finally {
      await otel.shutdown();
      metrics.onModuleDestroy();
      await collector.close();
    }
  });
});
