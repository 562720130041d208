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

describe('OTLP/HTTP exports', () => {
  it('sends traces, metrics and logs as protobuf, as Open WebUI does', async () => {
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
    const config: OtelConfig = {
      enabled: true,
      traces: true,
      metrics: true,
      logs: true,
      endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      insecure: false,
      spanExporter: 'http',
      serviceName: 'atrium-unit',
      tracesSampler: 'always_on',
      tracesSamplerRatio: 1,
      basicAuth: { username: 'collector', password: 'pass' },
      metricsExportIntervalMillis: 60_000,
    };
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
      await new Promise<void>((resolve) => server.close(() => resolve()));
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
});
