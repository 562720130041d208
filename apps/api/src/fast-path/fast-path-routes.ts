import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AuthenticatedUser } from '@atrium/common';
import {
  clientGone,
  ModelsService,
  ProviderRelayService,
  relayUpstream,
  requestBody,
} from '@atrium/providers';
import { ChatTasksService, isTaskRequest } from '@atrium/tasks';

/** One authenticated request on the fast path (body already read and parsed for POST). */
export interface FastCall {
  request: IncomingMessage;
  response: ServerResponse;
  user: AuthenticatedUser;
  body: unknown;
}

export interface FastRoute {
  method: 'GET' | 'POST';
  /** The exact path (no query string, no trailing slash); also the metrics route label. */
  path: string;
  handle(call: FastCall): Promise<void>;
}

export interface FastRouteServices {
  models: ModelsService;
  relay: ProviderRelayService;
  tasks: ChatTasksService;
}

/** What Express's `res.json` sends. */
export function sendJson(response: ServerResponse, status: number, value: unknown): void {
  const text = JSON.stringify(value);
  response.statusCode = status;
  response.setHeader('Content-Type', 'application/json; charset=utf-8');
  response.setHeader('Content-Length', Buffer.byteLength(text));
  response.end(text);
}

/**
 * The hot routes, each doing what its Nest handler does with the same services:
 * ModelsController.list, ChatCompletionsController, OpenAIController.chat, OllamaController.chat.
 */
export function fastRoutes({ models, relay, tasks }: FastRouteServices): FastRoute[] {
  const listModels = async ({ response, user }: FastCall) => {
    const body = await models.forUserJson(user, false);
    response.statusCode = 200;
    response.setHeader('content-type', 'application/json');
    response.setHeader('content-length', body.length);
    response.end(body);
  };
  const chatCompletions = async ({ response, user, body }: FastCall) => {
    const payload = requestBody(body);
    if (isTaskRequest(payload)) {
      sendJson(response, 200, await tasks.start(payload, user));
      return;
    }
    const result = await relay.chatCompletion(payload, user, clientGone(response));
    if (result.kind === 'json') {
      sendJson(response, 200, result.value);
      return;
    }
    await relayUpstream(result.upstream, response, result.body, result.contentType);
  };
  const openAIChat = async ({ response, user, body }: FastCall) => {
    const upstream = await relay.openAI(
      '/chat/completions',
      requestBody(body),
      user,
      clientGone(response),
    );
    await relayUpstream(upstream, response);
  };
  const ollamaChat = async ({ response, user, body }: FastCall) => {
    const upstream = await relay.ollama(
      '/api/chat',
      requestBody(body),
      user,
      clientGone(response),
      undefined,
    );
    await relayUpstream(upstream, response);
  };
  return [
    { method: 'GET', path: '/api/models', handle: listModels },
    { method: 'GET', path: '/api/v1/models', handle: listModels },
    { method: 'POST', path: '/api/chat/completions', handle: chatCompletions },
    { method: 'POST', path: '/api/v1/chat/completions', handle: chatCompletions },
    { method: 'POST', path: '/openai/chat/completions', handle: openAIChat },
    { method: 'POST', path: '/ollama/api/chat', handle: ollamaChat },
  ];
}
