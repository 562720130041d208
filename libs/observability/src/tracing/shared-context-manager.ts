import { ROOT_CONTEXT, type Context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  currentTraceContext,
  enterTraceContext,
  runWithTraceContext,
} from '../request-context/request-context.js';

/**
 * The OpenTelemetry context manager, keeping the active Context in the request context's
 * AsyncLocalStorage instead of one of its own (see request-context.ts for why one storage).
 * It is the SDK's AsyncLocalStorageContextManager with its storage swapped: `bind` (functions
 * and event emitters) is inherited and goes through `with` below; the parent's own storage is
 * never used, so Node never tracks it. Once disabled (SDK shutdown) it reports the root context
 * and runs functions as they are.
 */
export class SharedContextManager extends AsyncLocalStorageContextManager {
  private enabled = false;

  override active(): Context {
    if (!this.enabled) return ROOT_CONTEXT;
    return (currentTraceContext() as Context | undefined) ?? ROOT_CONTEXT;
  }

  override with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
    context: Context,
    fn: F,
    thisArg?: ThisParameterType<F>,
    ...args: A
  ): ReturnType<F> {
    const callback = (thisArg == null ? fn : fn.bind(thisArg)) as (...args: A) => ReturnType<F>;
    if (!this.enabled) return callback(...args);
    return runWithTraceContext(context, callback, ...args);
  }

  /** Makes `context` active for the rest of the current async scope; dispose() restores. */
  override attach(context: Context): { dispose(): void } {
    const previous = currentTraceContext();
    enterTraceContext(context);
    let disposed = false;
    return {
      dispose: () => {
        if (disposed) return;
        disposed = true;
        enterTraceContext(previous);
      },
    };
  }

  override enable(): this {
    this.enabled = true;
    return this;
  }

  override disable(): this {
    this.enabled = false;
    return this;
  }
}
