import { describe, expect, it } from 'vitest';
import { httpSignalUrl, httpTracesUrl, parseResourceAttributes } from './otel-sdk.js';

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
