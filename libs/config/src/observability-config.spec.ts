import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EnvReader } from './env-reader.js';
import { parseByteSize, readObservabilityConfig } from './observability-config.js';

const read = (env: Record<string, string>) => {
  const reader = new EnvReader(env);
  return { config: readObservabilityConfig(reader), problems: reader.problems };
};

describe('readObservabilityConfig', () => {
  it('has Open WebUI defaults; the audit file lives in DATA_DIR', () => {
    const { config, problems } = read({ DATA_DIR: '/srv/data' });
    expect(problems).toEqual([]);
    expect(config.audit).toEqual({
      level: 'NONE',
      excludedPaths: ['chats', 'chat', 'folders'],
      includedPaths: [],
      auditGetRequests: false,
      maxBodyLogSize: 2048,
      filePath: join('/srv/data', 'audit.log'),
      rotationBytes: 10_000_000,
      fileEnabled: true,
      stdoutEnabled: false,
    });
    expect(config.logLevel).toBe('INFO');
    expect(config.otel).toMatchObject({
      enabled: false,
      endpoint: 'http://localhost:4317',
      spanExporter: 'grpc',
      serviceName: 'open-webui',
      tracesSampler: 'parentbased_always_on',
      metricsExportIntervalMillis: 10_000,
      spanBatch: {
        scheduledDelayMillis: 5000,
        maxQueueSize: 2048,
        maxExportBatchSize: 512,
        exportTimeoutMillis: 30_000,
      },
    });
    expect(read({}).config.audit.filePath).toBe(resolve('./data/audit.log'));
  });

  it('upper-cases the level and treats unknown levels as NONE; strips leading slashes', () => {
    expect(read({ AUDIT_LOG_LEVEL: 'request_response' }).config.audit.level).toBe(
      'REQUEST_RESPONSE',
    );
    expect(read({ AUDIT_LOG_LEVEL: 'everything' }).config.audit.level).toBe('NONE');
    expect(
      read({ AUDIT_EXCLUDED_PATHS: '/models, //files,,', AUDIT_INCLUDED_PATHS: 'ollama' }).config
        .audit,
    ).toMatchObject({ excludedPaths: ['models', 'files'], includedPaths: ['ollama'] });
  });

  it('reports every invalid value together', () => {
    const { problems } = read({
      AUDIT_LOG_FILE_ROTATION_SIZE: 'big',
      MAX_BODY_LOG_SIZE: '-1',
      LOG_FORMAT: 'xml',
      GLOBAL_LOG_LEVEL: 'LOUD',
      OTEL_OTLP_SPAN_EXPORTER: 'udp',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'not a url',
      OTEL_BASIC_AUTH_USERNAME: 'only-user',
    });
    expect(problems.map((problem) => problem.split(':')[0]).sort()).toEqual([
      'AUDIT_LOG_FILE_ROTATION_SIZE',
      'GLOBAL_LOG_LEVEL',
      'LOG_FORMAT',
      'MAX_BODY_LOG_SIZE',
      'OTEL_BASIC_AUTH_PASSWORD',
      'OTEL_EXPORTER_OTLP_ENDPOINT',
      'OTEL_OTLP_SPAN_EXPORTER',
    ]);
  });

  it('reads the span batch settings (OTEL_BSP_*) and refuses a batch larger than the queue', () => {
    const { config, problems } = read({
      OTEL_BSP_SCHEDULE_DELAY: '1000',
      OTEL_BSP_MAX_QUEUE_SIZE: '100',
      OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '50',
      OTEL_BSP_EXPORT_TIMEOUT: '2000',
    });
    expect(problems).toEqual([]);
    expect(config.otel.spanBatch).toEqual({
      scheduledDelayMillis: 1000,
      maxQueueSize: 100,
      maxExportBatchSize: 50,
      exportTimeoutMillis: 2000,
    });
    const invalid = read({
      OTEL_BSP_MAX_QUEUE_SIZE: '10',
      OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '20',
      OTEL_BSP_SCHEDULE_DELAY: 'soon',
    }).problems;
    expect(invalid.map((problem) => problem.split(':')[0]).sort()).toEqual([
      'OTEL_BSP_MAX_EXPORT_BATCH_SIZE',
      'OTEL_BSP_SCHEDULE_DELAY',
    ]);
  });

  it('parses loguru-style sizes', () => {
    expect(parseByteSize('10MB')).toBe(10_000_000);
    expect(parseByteSize('10 MB')).toBe(10_000_000);
    expect(parseByteSize('500 kb')).toBe(500_000);
    expect(parseByteSize('1GiB')).toBe(1_073_741_824);
    expect(parseByteSize('4096')).toBe(4096);
    expect(parseByteSize('0')).toBeUndefined();
    expect(parseByteSize('10 parsecs')).toBeUndefined();
  });
});
