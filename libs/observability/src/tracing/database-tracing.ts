import { SpanKind, trace, type Attributes, type SpanOptions } from '@opentelemetry/api';
import type { DataSource, QueryRunner } from 'typeorm';
import { endWhenSettled, failSpan } from './span-helpers.js';
import { tracerOf } from './tracers.js';

const PATCHED = Symbol.for('atrium.tracing.query');
const MAX_QUERY_TEXT = 1024;
const MAX_CACHED_QUERIES = 1000;

/** db.system.name of a TypeORM driver type. */
export function dbSystemOf(type: string): string {
  if (type === 'postgres') return 'postgresql';
  if (type === 'mysql' || type === 'mariadb') return type;
  if (type.includes('sqlite')) return 'sqlite';
  return type;
}

export interface QuerySummary {
  operation: string;
  table?: string;
  /** db.query.text: the SQL with a long SELECT column list shown as "…", at most 1 KB. */
  text: string;
}

/**
 * "SELECT user" from "SELECT ... FROM `user` ...": the operation, its first table and the text
 * to record. TypeORM's column lists make most of a SELECT's length and say little, while
 * exporting them made up most of the tracing cost on the relay path; the FROM, JOIN, WHERE and
 * ORDER BY parts are kept.
 */
export function querySummary(sql: string): QuerySummary {
  const operation = /^\s*(\w+)/.exec(sql)?.[1]?.toUpperCase() ?? 'QUERY';
  const table = /\b(?:FROM|INTO|UPDATE|TABLE)\s+[`"[]?(\w+)/i.exec(sql)?.[1];
  let text = sql;
  if (operation === 'SELECT') {
    const from = /\sFROM\s/i.exec(text);
    if (from && from.index > 80) text = `SELECT … ${text.slice(from.index + 1)}`;
  }
  if (text.length > MAX_QUERY_TEXT) text = text.slice(0, MAX_QUERY_TEXT);
  return { operation, table, text };
}

/** What a statement's span is started with: its name and attributes, built once per statement. */
interface StatementSpan {
  name: string;
  options: SpanOptions;
}

interface ConnectionOptions {
  type: string;
  database?: unknown;
}

/**
 * Statements repeat, so their span name and attributes are built once per distinct SQL text of
 * a connection (up to MAX_CACHED_QUERIES) and shared: the SDK copies attributes into each span.
 */
const statementsByConnection = new WeakMap<ConnectionOptions, Map<string, StatementSpan>>();

function statementSpanOf(options: ConnectionOptions, sql: string): StatementSpan {
  let statements = statementsByConnection.get(options);
  if (!statements) {
    statements = new Map();
    statementsByConnection.set(options, statements);
  }
  let statement = statements.get(sql);
  if (!statement) {
    const { operation, table, text } = querySummary(sql);
    const attributes: Attributes = {
      'db.system.name': dbSystemOf(options.type),
      'db.operation.name': operation,
      'db.query.text': text,
    };
    if (table) attributes['db.collection.name'] = table;
    if (typeof options.database === 'string' && !options.type.includes('sqlite')) {
      attributes['db.namespace'] = options.database;
    }
    statement = {
      name: table ? `${operation} ${table}` : operation,
      options: { kind: SpanKind.CLIENT, attributes },
    };
    if (statements.size >= MAX_CACHED_QUERIES) statements.clear();
    statements.set(sql, statement);
  }
  return statement;
}

/**
 * A CLIENT span per SQL statement, whatever the engine (better-sqlite3 has no OpenTelemetry
 * instrumentation, and pg/mysql2 are loaded by TypeORM through `require` before an SDK started
 * at module init could hook them). Wraps the query method of the DataSource's query-runner
 * class once per process; only statements run inside a recorded (sampled) request span get a
 * span, and the text is the parameterised SQL, never the values. Called only when tracing is on.
 */
export function traceDatabaseQueries(dataSource: DataSource): void {
  const runner = dataSource.createQueryRunner();
  const prototype = Object.getPrototypeOf(runner) as {
    query: (this: QueryRunner, ...args: unknown[]) => Promise<unknown>;
    [PATCHED]?: boolean;
  };
  void runner.release();
  if (prototype[PATCHED]) return;
  prototype[PATCHED] = true;
  const original = prototype.query;
  prototype.query = function tracedQuery(this: QueryRunner, ...args: unknown[]) {
    // A span whose parent is not recorded would not be either (every sampler decides on the
    // trace id or the parent): no work at all for requests sampled out.
    if (!trace.getActiveSpan()?.isRecording() || typeof args[0] !== 'string') {
      return original.apply(this, args);
    }
    const statement = statementSpanOf(this.connection.options, args[0]);
    const span = tracerOf('atrium-database').startSpan(statement.name, statement.options);
    try {
      // Not made the active span: a statement starts no further spans, and this saves a
      // context per statement on the hot path.
      return endWhenSettled(span, original.apply(this, args));
    } catch (error) {
      failSpan(span, error);
      span.end();
      throw error;
    }
  };
}
