import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  agentOf,
  authTargets,
  signup,
  startAuthApp,
  STRONG_PASSWORD,
  type AuthApp,
} from './auth-fixtures.js';

for (const { target, enabled } of authTargets('auth signin rate limit')) {
  describe.skipIf(!enabled)(`signin rate limit on ${target.name}`, () => {
    let app: AuthApp;

    beforeAll(async () => {
      app = await startAuthApp(target);
      await signup(app.http, 'admin@example.com');
    });
    afterAll(async () => {
      await app?.close();
    });

    it('allows 15 attempts per email in 3 minutes, then answers 429 with Retry-After', async () => {
      const attempt = (email: string, password = 'wrong-password') =>
        agentOf(app).post('/api/v1/auths/signin').send({ email, password });
      // Four at a time: bcrypt makes each attempt take a while.
      for (let round = 0; round < 15; round += 5) {
        const answers = await Promise.all(
          Array.from({ length: 5 }, () => attempt('Admin@Example.com')),
        );
        for (const answer of answers) expect(answer.status).toBe(400);
      }
      const limited = await attempt('admin@example.com', STRONG_PASSWORD);
      expect(limited.status).toBe(429);
      expect(limited.body).toEqual({ detail: 'API rate limit exceeded' });
      const retryAfter = Number(limited.headers['retry-after']);
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(240);

      // Other emails are counted separately.
      expect((await attempt('someone-else@example.com')).status).toBe(400);
    });
  });
}
