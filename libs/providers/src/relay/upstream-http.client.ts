import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { outgoingTraceHeaders } from '@atrium/observability';

const AGENT_OPTIONS = {
  keepAlive: true,
  maxSockets: Infinity,
  maxFreeSockets: 2048,
  scheduling: 'lifo',
} as const;

export interface UpstreamRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  body?: string;
  /** Aborts the request (client went away). */
  signal?: AbortSignal;
  /** Bound on the whole exchange, body included; undefined = none. */
  timeoutMs?: number;
}

/** The upstream could not be reached, or it did not finish in time. */
export class UpstreamConnectionError extends Error {
  constructor(
    message: string,
    readonly timedOut = false,
  ) {
    super(message);
    this.name = 'UpstreamConnectionError';
  }
}

export interface UpstreamJson {
  status: number;
  body: unknown;
  text: string;
}

/**
 * HTTP to model servers over pooled keep-alive connections (node:http agents). `open` resolves
 * with the response as a stream once the headers arrive, so callers can relay it without buffering.
 */
@Injectable()
export class UpstreamHttpClient implements OnApplicationShutdown {
  // Idle sockets kept: enough for a burst of streams to come back without reconnecting
  // (the default 256 closes the rest); LIFO reuses the warmest socket first.
  private readonly httpAgent = new HttpAgent(AGENT_OPTIONS);
  private readonly httpsAgent = new HttpsAgent(AGENT_OPTIONS);

  open(options: UpstreamRequest): Promise<IncomingMessage> {
    return new Promise((resolve, reject) => {
      let target: URL;
      try {
        target = new URL(options.url);
      } catch {
        reject(new UpstreamConnectionError(`invalid URL ${options.url}`));
        return;
      }
      const secure = target.protocol === 'https:';
      // W3C trace context, so the model server's spans join the request's trace.
      const headers: Record<string, string | number> = outgoingTraceHeaders({ ...options.headers });
      if (options.body !== undefined) {
        headers['content-type'] ??= 'application/json';
        headers['content-length'] = Buffer.byteLength(options.body);
      }
      const request = (secure ? httpsRequest : httpRequest)(target, {
        method: options.method,
        headers,
        agent: secure ? this.httpsAgent : this.httpAgent,
        signal: options.signal,
      });
      let timer: NodeJS.Timeout | undefined;
      if (options.timeoutMs !== undefined) {
        timer = setTimeout(() => {
          request.destroy(new UpstreamConnectionError('upstream timed out', true));
        }, options.timeoutMs);
        timer.unref();
      }
      const clear = () => {
        if (timer) clearTimeout(timer);
      };
      request.once('error', (error) => {
        clear();
        reject(
          error instanceof UpstreamConnectionError
            ? error
            : new UpstreamConnectionError(error.message),
        );
      });
      request.once('response', (response) => {
        response.once('close', clear);
        resolve(response);
      });
      request.end(options.body);
    });
  }

  /** The whole response read and parsed as JSON when it is JSON (`body` undefined otherwise). */
  async json(options: UpstreamRequest): Promise<UpstreamJson> {
    const response = await this.open(options);
    const text = await readText(response);
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      body = undefined;
    }
    return { status: response.statusCode ?? 500, body, text };
  }

  onApplicationShutdown(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}

/** Reads a (small) response body; used for JSON answers and error bodies, never for streams. */
export async function readText(response: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of response) chunks.push(chunk as Buffer);
  } catch (error) {
    throw new UpstreamConnectionError((error as Error).message);
  }
  return Buffer.concat(chunks).toString('utf8');
}
