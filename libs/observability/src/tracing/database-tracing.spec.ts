import { describe, expect, it } from 'vitest';
import { dbSystemOf, querySummary } from './database-tracing.js';

describe('database spans', () => {
  it('names the engine as the OpenTelemetry conventions do', () => {
    expect(dbSystemOf('better-sqlite3')).toBe('sqlite');
    expect(dbSystemOf('postgres')).toBe('postgresql');
    expect(dbSystemOf('mysql')).toBe('mysql');
    expect(dbSystemOf('mariadb')).toBe('mariadb');
  });

  it('summarises a statement: operation, first table, text without the long column list', () => {
    const columns = Array.from({ length: 12 }, (_, i) => `"U"."c${i}" AS "U_c${i}"`).join(', ');
    const select = `SELECT ${columns} FROM "user" "U" WHERE "U"."id" = $1 LIMIT 1`;
    expect(querySummary(select)).toEqual({
      operation: 'SELECT',
      table: 'user',
      text: 'SELECT … FROM "user" "U" WHERE "U"."id" = $1 LIMIT 1',
    });
    expect(querySummary('SELECT 1 FROM `chat` WHERE id = ?')).toEqual({
      operation: 'SELECT',
      table: 'chat',
      text: 'SELECT 1 FROM `chat` WHERE id = ?',
    });
    expect(querySummary('INSERT INTO "audit_event"("id") VALUES ($1)')).toMatchObject({
      operation: 'INSERT',
      table: 'audit_event',
    });
    expect(querySummary('  update user set a = ?')).toMatchObject({
      operation: 'UPDATE',
      table: 'user',
    });
    expect(querySummary(`INSERT INTO t VALUES (${'?,'.repeat(2000)}?)`).text).toHaveLength(1024);
  });
});

describe('database span wrapper', () => {
  it('spans statements of recorded requests only, with the summary attributes', async () => {
    const { context, trace } = await import('@opentelemetry/api');
    const { AsyncLocalStorageContextManager } = await import('@opentelemetry/context-async-hooks');
    const { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } =
      await import('@opentelemetry/sdk-trace-base');
    const { DataSource } = await import('typeorm');
    const { resetTracers } = await import('./tracers.js');
    const { traceDatabaseQueries } = await import('./database-tracing.js');
    const exporter = new InMemorySpanExporter();
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    trace.setGlobalTracerProvider(
      new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }),
    );
    resetTracers();
    const dataSource = new DataSource({ type: 'better-sqlite3', database: ':memory:' });
    await dataSource.initialize();
    try {
      traceDatabaseQueries(dataSource);
      const tracer = trace.getTracer('test');
      const inSpan = async (span: ReturnType<typeof tracer.startSpan>) => {
        await context.with(trace.setSpan(context.active(), span), async () => {
          await dataSource.query('SELECT 1 AS "one" FROM "sqlite_master" WHERE 1 = ?', [1]);
          await dataSource.query('SELECT 1 AS "one" FROM "sqlite_master" WHERE 1 = ?', [1]);
        });
        span.end();
      };
      await dataSource.query('SELECT 1'); // outside any request: no span
      await inSpan(
        trace.wrapSpanContext({ traceId: '1'.repeat(32), spanId: '2'.repeat(16), traceFlags: 0 }),
      );
      expect(exporter.getFinishedSpans()).toHaveLength(0); // sampled out: no span either
      await inSpan(tracer.startSpan('request'));
      const statements = exporter.getFinishedSpans().filter((span) => span.name !== 'request');
      expect(statements.map((span) => span.name)).toEqual([
        'SELECT sqlite_master',
        'SELECT sqlite_master',
      ]);
      expect(statements[1].attributes).toEqual({
        'db.system.name': 'sqlite',
        'db.operation.name': 'SELECT',
        'db.query.text': 'SELECT 1 AS "one" FROM "sqlite_master" WHERE 1 = ?',
        'db.collection.name': 'sqlite_master',
      });
      expect(statements[1].parentSpanContext?.spanId).toBe(
        exporter
          .getFinishedSpans()
          .find((span) => span.name === 'request')
          ?.spanContext().spanId,
      );
    } finally {
      await dataSource.destroy();
      trace.disable();
      context.disable();
      resetTracers();
    }
  });
});
