/**
 * A small schema-driven decoder of OTLP protobuf export requests, for the loopback receivers of
 * the OpenTelemetry e2e specs. It yields the OTLP/JSON mapping of the message (what an
 * `application/json` export carries): lowerCamelCase field names, trace/span ids in hex, other
 * bytes in base64, 64-bit integers as decimal strings, enums as numbers. Repeated fields are
 * always present (possibly empty); absent scalars and messages are left out. Fields the schema
 * does not name (exemplars, exponential histograms, ...) are skipped, as a protobuf reader must.
 *
 * Field numbers and types follow opentelemetry-proto v1: opentelemetry/proto/{common,resource,
 * trace,metrics,logs}/v1/*.proto and collector/{trace,metrics,logs}/v1/*_service.proto.
 */

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- OTLP JSON, walked loosely
export type OtlpObject = Record<string, any>;

type Scalar =
  | 'string'
  | 'bytes' // base64, as the proto3 JSON mapping writes bytes
  | 'id' // trace and span ids: hex, the OTLP/JSON exception
  | 'bool'
  | 'uint32'
  | 'enum'
  | 'int64'
  | 'fixed32'
  | 'fixed64'
  | 'sfixed64'
  | 'double';

/** One field of a message: its JSON name, a scalar type or the name of a message in SCHEMA. */
interface Field {
  name: string;
  type: string;
  repeated: boolean;
}

const one = (name: string, type: string): Field => ({ name, type, repeated: false });
const many = (name: string, type: string): Field => ({ name, type, repeated: true });

const SCHEMA = {
  // collector/*/v1/*_service.proto
  ExportTraceServiceRequest: { 1: many('resourceSpans', 'ResourceSpans') },
  ExportMetricsServiceRequest: { 1: many('resourceMetrics', 'ResourceMetrics') },
  ExportLogsServiceRequest: { 1: many('resourceLogs', 'ResourceLogs') },
  // common/v1/common.proto, resource/v1/resource.proto
  AnyValue: {
    1: one('stringValue', 'string'),
    2: one('boolValue', 'bool'),
    3: one('intValue', 'int64'),
    4: one('doubleValue', 'double'),
    5: one('arrayValue', 'ArrayValue'),
    6: one('kvlistValue', 'KeyValueList'),
    7: one('bytesValue', 'bytes'),
  },
  ArrayValue: { 1: many('values', 'AnyValue') },
  KeyValueList: { 1: many('values', 'KeyValue') },
  KeyValue: { 1: one('key', 'string'), 2: one('value', 'AnyValue') },
  InstrumentationScope: {
    1: one('name', 'string'),
    2: one('version', 'string'),
    3: many('attributes', 'KeyValue'),
    4: one('droppedAttributesCount', 'uint32'),
  },
  Resource: { 1: many('attributes', 'KeyValue'), 2: one('droppedAttributesCount', 'uint32') },
  // trace/v1/trace.proto
  ResourceSpans: {
    1: one('resource', 'Resource'),
    2: many('scopeSpans', 'ScopeSpans'),
    3: one('schemaUrl', 'string'),
  },
  ScopeSpans: {
    1: one('scope', 'InstrumentationScope'),
    2: many('spans', 'Span'),
    3: one('schemaUrl', 'string'),
  },
  Span: {
    1: one('traceId', 'id'),
    2: one('spanId', 'id'),
    3: one('traceState', 'string'),
    4: one('parentSpanId', 'id'),
    5: one('name', 'string'),
    6: one('kind', 'enum'),
    7: one('startTimeUnixNano', 'fixed64'),
    8: one('endTimeUnixNano', 'fixed64'),
    9: many('attributes', 'KeyValue'),
    10: one('droppedAttributesCount', 'uint32'),
    11: many('events', 'SpanEvent'),
    12: one('droppedEventsCount', 'uint32'),
    13: many('links', 'SpanLink'),
    14: one('droppedLinksCount', 'uint32'),
    15: one('status', 'Status'),
    16: one('flags', 'fixed32'),
  },
  SpanEvent: {
    1: one('timeUnixNano', 'fixed64'),
    2: one('name', 'string'),
    3: many('attributes', 'KeyValue'),
    4: one('droppedAttributesCount', 'uint32'),
  },
  SpanLink: {
    1: one('traceId', 'id'),
    2: one('spanId', 'id'),
    3: one('traceState', 'string'),
    4: many('attributes', 'KeyValue'),
    5: one('droppedAttributesCount', 'uint32'),
    6: one('flags', 'fixed32'),
  },
  Status: { 2: one('message', 'string'), 3: one('code', 'enum') },
  // metrics/v1/metrics.proto
  ResourceMetrics: {
    1: one('resource', 'Resource'),
    2: many('scopeMetrics', 'ScopeMetrics'),
    3: one('schemaUrl', 'string'),
  },
  ScopeMetrics: {
    1: one('scope', 'InstrumentationScope'),
    2: many('metrics', 'Metric'),
    3: one('schemaUrl', 'string'),
  },
  Metric: {
    1: one('name', 'string'),
    2: one('description', 'string'),
    3: one('unit', 'string'),
    5: one('gauge', 'Gauge'),
    7: one('sum', 'Sum'),
    9: one('histogram', 'Histogram'),
  },
  Gauge: { 1: many('dataPoints', 'NumberDataPoint') },
  Sum: {
    1: many('dataPoints', 'NumberDataPoint'),
    2: one('aggregationTemporality', 'enum'),
    3: one('isMonotonic', 'bool'),
  },
  Histogram: {
    1: many('dataPoints', 'HistogramDataPoint'),
    2: one('aggregationTemporality', 'enum'),
  },
  NumberDataPoint: {
    2: one('startTimeUnixNano', 'fixed64'),
    3: one('timeUnixNano', 'fixed64'),
    4: one('asDouble', 'double'),
    6: one('asInt', 'sfixed64'),
    7: many('attributes', 'KeyValue'),
    8: one('flags', 'uint32'),
  },
  HistogramDataPoint: {
    2: one('startTimeUnixNano', 'fixed64'),
    3: one('timeUnixNano', 'fixed64'),
    4: one('count', 'fixed64'),
    5: one('sum', 'double'),
    6: many('bucketCounts', 'fixed64'),
    7: many('explicitBounds', 'double'),
    9: many('attributes', 'KeyValue'),
    10: one('flags', 'uint32'),
    11: one('min', 'double'),
    12: one('max', 'double'),
  },
  // logs/v1/logs.proto
  ResourceLogs: {
    1: one('resource', 'Resource'),
    2: many('scopeLogs', 'ScopeLogs'),
    3: one('schemaUrl', 'string'),
  },
  ScopeLogs: {
    1: one('scope', 'InstrumentationScope'),
    2: many('logRecords', 'LogRecord'),
    3: one('schemaUrl', 'string'),
  },
  LogRecord: {
    1: one('timeUnixNano', 'fixed64'),
    2: one('severityNumber', 'enum'),
    3: one('severityText', 'string'),
    5: one('body', 'AnyValue'),
    6: many('attributes', 'KeyValue'),
    7: one('droppedAttributesCount', 'uint32'),
    8: one('flags', 'fixed32'),
    9: one('traceId', 'id'),
    10: one('spanId', 'id'),
    11: one('observedTimeUnixNano', 'fixed64'),
    12: one('eventName', 'string'),
  },
} satisfies Record<string, Record<number, Field>>;

export type MessageName = keyof typeof SCHEMA;

const isMessageName = (type: string): type is MessageName => Object.hasOwn(SCHEMA, type);

const VARINT = 0;
const I64 = 1;
const LEN = 2;
const I32 = 5;

/** The wire type each scalar is written with (messages are length-delimited). */
const WIRE_TYPE: Record<Scalar, number> = {
  string: LEN,
  bytes: LEN,
  id: LEN,
  bool: VARINT,
  uint32: VARINT,
  enum: VARINT,
  int64: VARINT,
  fixed32: I32,
  fixed64: I64,
  sfixed64: I64,
  double: I64,
};

const isScalar = (type: string): type is Scalar => Object.hasOwn(WIRE_TYPE, type);

// A field type that is neither a scalar nor a message of SCHEMA is a typo: fail on import.
for (const [message, fields] of Object.entries(SCHEMA)) {
  for (const field of Object.values<Field>(fields)) {
    if (!isScalar(field.type) && !isMessageName(field.type)) {
      throw new Error(`${message}.${field.name}: unknown type ${field.type}`);
    }
  }
}

/** Reads protobuf wire values from one message's bytes, bounds-checked. */
class WireReader {
  private offset = 0;
  private readonly view: DataView;

  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get done(): boolean {
    return this.offset >= this.bytes.length;
  }

  varint(): bigint {
    let result = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      const byte = this.bytes[this.take(1)];
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result;
    }
    throw new Error('malformed protobuf varint');
  }

  fixed32(): number {
    return this.view.getUint32(this.take(4), true);
  }

  fixed64(signed: boolean): bigint {
    const at = this.take(8);
    return signed ? this.view.getBigInt64(at, true) : this.view.getBigUint64(at, true);
  }

  double(): number {
    return this.view.getFloat64(this.take(8), true);
  }

  /** The bytes of a length-delimited value. */
  chunk(): Uint8Array {
    const length = Number(this.varint());
    const at = this.take(length);
    return this.bytes.subarray(at, at + length);
  }

  skip(wire: number): void {
    if (wire === VARINT) this.varint();
    else if (wire === I64) this.take(8);
    else if (wire === LEN) this.chunk();
    else if (wire === I32) this.take(4);
    else throw new Error(`unsupported protobuf wire type ${wire}`);
  }

  /** Moves past `length` bytes and returns where they start. */
  private take(length: number): number {
    const at = this.offset;
    if (length < 0 || at + length > this.bytes.length)
      throw new Error('truncated protobuf message');
    this.offset += length;
    return at;
  }
}

function readScalar(reader: WireReader, type: Scalar): unknown {
  switch (type) {
    case 'string':
      return Buffer.from(reader.chunk()).toString('utf8');
    case 'bytes':
      return Buffer.from(reader.chunk()).toString('base64');
    case 'id':
      return Buffer.from(reader.chunk()).toString('hex');
    case 'bool':
      return reader.varint() !== 0n;
    case 'uint32':
      return Number(BigInt.asUintN(32, reader.varint()));
    case 'enum':
      return Number(BigInt.asIntN(32, reader.varint()));
    case 'int64':
      return BigInt.asIntN(64, reader.varint()).toString();
    case 'fixed32':
      return reader.fixed32();
    case 'fixed64':
      return reader.fixed64(false).toString();
    case 'sfixed64':
      return reader.fixed64(true).toString();
    case 'double':
      return reader.double();
  }
}

/** Decodes one message of `type` from its protobuf bytes into its OTLP/JSON object. */
export function decodeMessage(bytes: Uint8Array, type: MessageName): OtlpObject {
  const fields: Record<number, Field> = SCHEMA[type];
  const result: OtlpObject = {};
  for (const field of Object.values(fields)) if (field.repeated) result[field.name] = [];
  const reader = new WireReader(bytes);
  while (!reader.done) {
    const key = reader.varint();
    const number = Number(key >> 3n);
    const wire = Number(key & 7n);
    const field = fields[number];
    if (!field) {
      reader.skip(wire);
      continue;
    }
    const scalar = isScalar(field.type) ? field.type : undefined;
    const expected = scalar ? WIRE_TYPE[scalar] : LEN;
    if (field.repeated && scalar && expected !== LEN && wire === LEN) {
      // A packed repeated scalar: the values one after another in one length-delimited chunk.
      const packed = new WireReader(reader.chunk());
      while (!packed.done) result[field.name].push(readScalar(packed, scalar));
      continue;
    }
    if (wire !== expected) {
      throw new Error(`${type}.${field.name} (field ${number}) has wire type ${wire}`);
    }
    const value = scalar
      ? readScalar(reader, scalar)
      : decodeMessage(reader.chunk(), field.type as MessageName);
    if (field.repeated) result[field.name].push(value);
    else result[field.name] = value;
  }
  return result;
}

export type OtlpSignal = 'traces' | 'metrics' | 'logs';

const REQUEST_OF: Record<OtlpSignal, MessageName> = {
  traces: 'ExportTraceServiceRequest',
  metrics: 'ExportMetricsServiceRequest',
  logs: 'ExportLogsServiceRequest',
};

/** Decodes an Export{Trace,Metrics,Logs}ServiceRequest. */
export const decodeExportRequest = (signal: OtlpSignal, bytes: Uint8Array): OtlpObject =>
  decodeMessage(bytes, REQUEST_OF[signal]);

/** Whether an OTLP/HTTP request's Content-Type says OTLP/JSON (else it is protobuf). */
export const isJsonContentType = (contentType: string | undefined): boolean =>
  contentType?.split(';')[0].trim().toLowerCase() === 'application/json';

/**
 * The OTLP/JSON object of one OTLP/HTTP export: parsed as JSON when the request says
 * `application/json`, else decoded as the protobuf request of the signal the path ends with
 * (`/v1/traces`, `/v1/metrics`, `/v1/logs`).
 */
export function decodeOtlpHttpBody(
  path: string,
  contentType: string | undefined,
  body: Buffer,
): OtlpObject {
  if (isJsonContentType(contentType)) {
    return JSON.parse(body.toString('utf8')) as OtlpObject;
  }
  const signal = /\/v1\/(traces|metrics|logs)$/.exec(path.split('?')[0])?.[1] as
    OtlpSignal | undefined;
  if (!signal) throw new Error(`no OTLP signal in the path ${path}`);
  return decodeExportRequest(signal, body);
}
