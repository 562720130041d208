import { Inject, Injectable, Optional, type LoggerService, type LogLevel } from '@nestjs/common';
import { trace } from '@opentelemetry/api';
import { APP_CONFIG, type AppConfig, type GlobalLogLevel } from '@atrium/config';
import { maskSecretText } from '../audit-log/secret-masking.js';
import { currentRequestContext } from '../request-context/request-context.js';
import type { OtelLogLine } from '../tracing/otel-sdk.js';

const RANK: Record<LogLevel, number> = {
  verbose: 0,
  debug: 1,
  log: 2,
  warn: 3,
  error: 4,
  fatal: 5,
};

/** The lowest Nest level GLOBAL_LOG_LEVEL lets through. */
const THRESHOLD: Record<GlobalLogLevel, number> = {
  DEBUG: RANK.debug,
  INFO: RANK.log,
  WARNING: RANK.warn,
  ERROR: RANK.error,
  CRITICAL: RANK.fatal,
};

/** Open WebUI / Python level names, as its logs show them. */
const NAMES: Record<LogLevel, string> = {
  verbose: 'DEBUG',
  debug: 'DEBUG',
  log: 'INFO',
  warn: 'WARNING',
  error: 'ERROR',
  fatal: 'CRITICAL',
};

/** OpenTelemetry severity numbers (logs data model). */
const SEVERITY: Record<LogLevel, number> = {
  verbose: 1,
  debug: 5,
  log: 9,
  warn: 13,
  error: 17,
  fatal: 21,
};

export type LogSink = (line: string, level: LogLevel) => void;

/** Optional provider replacing stdout/stderr (tests). */
export const LOG_SINK = Symbol('LOG_SINK');

const defaultSink: LogSink = (line, level) =>
  (RANK[level] >= RANK.warn ? process.stderr : process.stdout).write(line);

/**
 * Atrium's one logger (a Nest LoggerService): GLOBAL_LOG_LEVEL filters, LOG_FORMAT=json prints
 * one JSON object per line, and every line carries the request id of the request it belongs
 * to (and, with OpenTelemetry on, the trace and span ids). Messages and stacks go through the
 * secret masker, so a token or password that slips into a message is not written.
 */
@Injectable()
export class AtriumLogger implements LoggerService {
  private readonly threshold: number;
  private readonly json: boolean;
  private readonly sink: LogSink;
  private otel?: (line: OtelLogLine) => void;

  constructor(@Inject(APP_CONFIG) config: AppConfig, @Optional() @Inject(LOG_SINK) sink?: LogSink) {
    this.sink = sink ?? defaultSink;
    this.threshold = THRESHOLD[config.observability.logLevel];
    this.json = config.observability.logFormat === 'json';
  }

  log(message: unknown, ...rest: unknown[]): void {
    this.write('log', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('verbose', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, rest);
  }

  /** With ENABLE_OTEL_LOGS, every line written is also emitted as an OTel log record. */
  attachOtel(emit: ((line: OtelLogLine) => void) | undefined): void {
    this.otel = emit;
  }

  isEnabled(level: LogLevel): boolean {
    return RANK[level] >= this.threshold;
  }

  private write(level: LogLevel, message: unknown, rest: unknown[]): void {
    if (!this.isEnabled(level)) return;
    // Nest passes (message, context) or, for errors, (message, stack, context).
    const params = [...rest];
    const context =
      params.length > 0 && typeof params.at(-1) === 'string' ? (params.pop() as string) : undefined;
    const stack =
      level === 'error' || level === 'fatal'
        ? params.find((item): item is string => typeof item === 'string')
        : undefined;
    const text = maskSecretText(
      message instanceof Error
        ? message.message
        : typeof message === 'string'
          ? message
          : JSON.stringify(message),
    );
    const errorStack = message instanceof Error ? message.stack : stack;
    const requestId = currentRequestContext()?.requestId;
    if (this.otel) {
      const attributes: Record<string, string> = {};
      if (context) attributes['code.namespace'] = context;
      if (requestId) attributes['atrium.request_id'] = requestId;
      if (errorStack) attributes['exception.stacktrace'] = maskSecretText(errorStack);
      this.otel({
        severityNumber: SEVERITY[level],
        severityText: NAMES[level],
        body: text,
        attributes,
      });
    }
    const time = new Date();
    if (this.json) {
      const record: Record<string, unknown> = {
        timestamp: time.toISOString(),
        level: NAMES[level],
        message: text,
      };
      if (context) record.context = context;
      if (requestId) record.request_id = requestId;
      // As Open WebUI with OTEL on: the active span's ids (nothing when tracing is off).
      const span = trace.getActiveSpan()?.spanContext();
      if (span && span.traceId !== '00000000000000000000000000000000') {
        record.trace_id = span.traceId;
        record.span_id = span.spanId;
      }
      if (errorStack) record.stack = maskSecretText(errorStack);
      this.sink(`${JSON.stringify(record)}\n`, level);
      return;
    }
    const stamp = time.toISOString().replace('T', ' ').replace('Z', '');
    const where = context ? `${context} - ` : '';
    const id = requestId ? ` [${requestId}]` : '';
    const tail = errorStack ? `\n${maskSecretText(errorStack)}` : '';
    this.sink(`${stamp} | ${NAMES[level].padEnd(8)} | ${where}${text}${id}${tail}\n`, level);
  }
}
