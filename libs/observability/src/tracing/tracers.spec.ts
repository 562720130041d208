import { propagation, trace } from '@opentelemetry/api';
import { CompositePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { hasPropagationHeaders, resetTracers, tracerOf } from './tracers.js';

describe('tracer and propagator lookups', () => {
  afterEach(() => {
    trace.disable();
    propagation.disable();
    resetTracers();
  });

  it('keeps one tracer per name until the SDK changes', () => {
    trace.setGlobalTracerProvider(new BasicTracerProvider());
    resetTracers();
    const first = tracerOf('atrium-http');
    expect(tracerOf('atrium-http')).toBe(first);
    expect(first.startSpan('x').isRecording()).toBe(true);
    trace.disable();
    resetTracers();
    expect(tracerOf('atrium-http')).not.toBe(first);
    expect(tracerOf('atrium-http').startSpan('x').isRecording()).toBe(false);
  });

  it('tells whether a request carries a header the registered propagators read', () => {
    propagation.setGlobalPropagator(
      new CompositePropagator({ propagators: [new W3CTraceContextPropagator()] }),
    );
    resetTracers();
    expect(hasPropagationHeaders({ 'user-agent': 'x' })).toBe(false);
    expect(hasPropagationHeaders({ traceparent: '00-abc' })).toBe(true);
    expect(hasPropagationHeaders({ tracestate: 'a=b' })).toBe(true);
  });
});
