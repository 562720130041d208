import { randomBytes } from 'node:crypto';

/**
 * engine.io session ids that name the worker owning the session: `w<worker id>_<random>`.
 * A socket.io client repeats its id (`sid=`) on every long-polling request and on the
 * websocket upgrade, so the primary can route them to the one worker that holds the session
 * without a shared table. 15 random bytes, as engine.io's own ids.
 */
export function sessionIdFor(workerId: number): string {
  return `w${workerId}_${randomBytes(15).toString('base64url')}`;
}

const SESSION_OWNER = /[?&]sid=w(\d{1,9})_/;

/** The worker named by the `sid` query parameter of a request target, if it names one. */
export function sessionOwnerOf(target: string): number | undefined {
  const match = SESSION_OWNER.exec(target);
  return match ? Number(match[1]) : undefined;
}
