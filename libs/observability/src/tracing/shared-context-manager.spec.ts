import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { context, createContextKey, ROOT_CONTEXT } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import {
  currentRequestContext,
  currentTraceContext,
  runWithRequestContext,
  type RequestContext,
} from '../request-context/request-context.js';
import { SharedContextManager } from './shared-context-manager.js';

const KEY = createContextKey('test key');
const request = (requestId: string): RequestContext => ({
  requestId,
  sourceIp: '127.0.0.1',
  userAgent: null,
  user: () => undefined,
});

describe('SharedContextManager', () => {
  const manager = new SharedContextManager().enable();
  afterEach(() => {
    context.disable();
  });

  it('runs functions in a context that follows their async work, then restores the outer one', async () => {
    const outer = ROOT_CONTEXT.setValue(KEY, 'outer');
    const inner = outer.setValue(KEY, 'inner');
    await manager.with(outer, async () => {
      expect(manager.active()).toBe(outer);
      const seen = await manager.with(
        inner,
        async (suffix: string) => {
          await sleep(1);
          return `${String(manager.active().getValue(KEY))}${suffix}`;
        },
        undefined,
        '!',
      );
      expect(seen).toBe('inner!');
      await sleep(1);
      expect(manager.active()).toBe(outer);
    });
    expect(manager.active()).toBe(ROOT_CONTEXT);
  });

  it('shares one async scope with the request context, each keeping the other', async () => {
    const traced = ROOT_CONTEXT.setValue(KEY, 'span');
    const first = request('first');
    await runWithRequestContext(first, () =>
      manager.with(traced, async () => {
        await sleep(1);
        expect(currentRequestContext()).toBe(first); // the same object: writes stay visible
        expect(manager.active()).toBe(traced);
        const second = request('second');
        runWithRequestContext(second, () => {
          expect(currentRequestContext()).toBe(second);
          expect(manager.active()).toBe(traced);
        });
        expect(currentRequestContext()).toBe(first);
      }),
    );
    expect(currentRequestContext()).toBeUndefined();
    expect(currentTraceContext()).toBeUndefined();
  });

  it('binds functions and event emitters to a context', () => {
    const bound = ROOT_CONTEXT.setValue(KEY, 'bound');
    const read = manager.bind(bound, () => manager.active().getValue(KEY));
    const emitter = manager.bind(bound, new EventEmitter());
    let heard: unknown;
    emitter.on('ping', () => (heard = manager.active().getValue(KEY)));
    manager.with(ROOT_CONTEXT.setValue(KEY, 'elsewhere'), () => {
      expect(read()).toBe('bound');
      emitter.emit('ping');
    });
    expect(heard).toBe('bound');
  });

  it('attaches a context to the rest of the async scope until disposed', async () => {
    const attached = ROOT_CONTEXT.setValue(KEY, 'attached');
    await (async () => {
      const token = manager.attach(attached);
      await sleep(1);
      expect(manager.active()).toBe(attached);
      token.dispose();
      token.dispose();
      expect(manager.active()).toBe(ROOT_CONTEXT);
    })();
  });

  it('never turns on a storage of its own (Node would copy it onto every async resource)', () => {
    const own = (manager as unknown as { _asyncLocalStorage: { enabled: boolean } })
      ._asyncLocalStorage;
    expect(own.enabled).toBe(false);
  });

  it('is what the OpenTelemetry API uses once registered, and reports the root when disabled', () => {
    context.setGlobalContextManager(manager);
    const traced = ROOT_CONTEXT.setValue(KEY, 'via api');
    context.with(traced, () => {
      expect(currentTraceContext()).toBe(traced);
      expect(context.active().getValue(KEY)).toBe('via api');
    });
    const disabled = new SharedContextManager();
    disabled.with(traced, () => expect(disabled.active()).toBe(ROOT_CONTEXT));
  });
});
