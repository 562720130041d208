import { DomainError } from '@atrium/common';

export const SERVER_CONNECTION_ERROR = 'Open WebUI: Server Connection Error';

/** An upstream that cannot be reached (Open WebUI answers 500 with this detail). */
export class ServerConnectionError extends DomainError {
  constructor() {
    super(500, SERVER_CONNECTION_ERROR);
  }
}

/** An upstream failure relayed with its own status. */
export class UpstreamStatusError extends DomainError {
  constructor(status: number, detail: string) {
    super(status, detail);
  }
}

/** The provider kind is switched off, or the connection index does not exist. */
export class ConnectionNotFoundError extends DomainError {
  constructor(kind: string) {
    super(404, `${kind === 'ollama' ? 'Ollama' : 'OpenAI'} API is disabled or not configured`);
  }
}
