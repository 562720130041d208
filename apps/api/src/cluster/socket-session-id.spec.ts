import { describe, expect, it } from 'vitest';
import { sessionIdFor, sessionOwnerOf } from './socket-session-id.js';

describe('socket.io session ids that name their worker', () => {
  it('are unique, URL-safe and name the worker', () => {
    const first = sessionIdFor(3);
    expect(first).toMatch(/^w3_[\w-]{20}$/);
    expect(sessionIdFor(3)).not.toBe(first);
    expect(sessionOwnerOf(`/ws/socket.io/?EIO=4&transport=polling&sid=${first}`)).toBe(3);
    expect(sessionOwnerOf(`/ws/socket.io/?sid=${sessionIdFor(12)}&EIO=4`)).toBe(12);
  });

  it('name no worker in handshakes or in ids engine.io generated itself', () => {
    expect(sessionOwnerOf('/ws/socket.io/?EIO=4&transport=polling')).toBeUndefined();
    expect(sessionOwnerOf('/ws/socket.io/?EIO=4&sid=Ab3dEf_hIjKlMnOpQrSt')).toBeUndefined();
    expect(sessionOwnerOf('/api/models?xsid=w1_abc')).toBeUndefined();
    expect(sessionOwnerOf('')).toBeUndefined();
  });
});
