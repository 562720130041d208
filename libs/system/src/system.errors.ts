import { ServiceUnavailableError } from '@atrium/common';

/** Probe failures, with the details Open WebUI's /ready gives (load balancers and tests match them). */
export const ProbeFailures = {
  STARTUP_NOT_COMPLETE: 'Startup not complete',
  DATABASE_NOT_READY: 'Database not ready',
  REDIS_NOT_READY: 'Redis not ready',
} as const;

export type ProbeFailure = (typeof ProbeFailures)[keyof typeof ProbeFailures];

export class ProbeFailedError extends ServiceUnavailableError {
  constructor(readonly failure: ProbeFailure) {
    super(failure);
  }
}
