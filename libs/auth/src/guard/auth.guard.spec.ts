import { Controller, Get, Logger, type INestApplication } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import cookieParser from 'cookie-parser';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  Auth,
  CurrentUser,
  HttpExceptionFilter,
  Public,
  type AuthenticatedUser,
  type Role,
} from '@atrium/common';
import { APP_CONFIG, type AppConfig } from '@atrium/config';
import { PermissionsService } from '@atrium/users';
import { ApiKeyNotAllowedError, InvalidSessionError } from '../auth.errors.js';
import { AuthGuard } from './auth.guard.js';
import { CallerAuthenticator } from './caller-authenticator.js';

@Controller('probe')
class ProbeController {
  @Get('public')
  @Public()
  open(@CurrentUser() user?: AuthenticatedUser) {
    return { user: user?.id ?? null };
  }

  @Get('identify')
  @Public({ identifyCaller: true })
  identify(@CurrentUser() user?: AuthenticatedUser) {
    return { user: user?.id ?? null };
  }

  @Get('any')
  @Auth({ allowPending: true })
  any(@CurrentUser() user: AuthenticatedUser) {
    return { user: user.id };
  }

  @Get('verified')
  @Auth()
  verified(@CurrentUser() user: AuthenticatedUser) {
    return { user: user.id };
  }

  @Get('admin')
  @Auth({ admin: true })
  admin(@CurrentUser() user: AuthenticatedUser) {
    return { user: user.id };
  }

  @Get('flag')
  @Auth({ permission: 'workspace.models' })
  flag(@CurrentUser() user: AuthenticatedUser) {
    return { user: user.id };
  }

  @Get('undeclared')
  undeclared() {
    return { leaked: true };
  }
}

/** Tokens of the form "<role>:<id>" stand for valid users; anything else is invalid. */
const authenticator = {
  authenticate: vi.fn((credential: string, path: string): Promise<AuthenticatedUser> => {
    if (credential.startsWith('sk-') && path.endsWith('/admin')) {
      return Promise.reject(new ApiKeyNotAllowedError('nope'));
    }
    const [role, id] = credential.split(':');
    if (!['pending', 'user', 'admin'].includes(role) || !id) {
      return Promise.reject(new InvalidSessionError());
    }
    return Promise.resolve({
      id,
      role: role as Role,
      name: id,
      email: `${id}@example.com`,
      profileImageUrl: '/user.png',
      authType: 'jwt',
      credential,
    });
  }),
};
const permissions = {
  hasPermission: vi.fn((userId: string) => Promise.resolve(userId === 'builder')),
};

describe('AuthGuard', () => {
  let app: INestApplication;
  const errors = vi.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      controllers: [ProbeController],
      providers: [
        { provide: CallerAuthenticator, useValue: authenticator },
        { provide: PermissionsService, useValue: permissions },
        {
          provide: APP_CONFIG,
          useValue: { auth: { customApiKeyHeader: 'x-api-key' } } as AppConfig,
        },
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_FILTER, useClass: HttpExceptionFilter },
      ],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    app.use(cookieParser());
    await app.init();
  });
  afterAll(async () => {
    await app?.close();
  });

  const get = (path: string) => request(app.getHttpServer()).get(`/probe/${path}`);

  it('lets anyone call a public route without looking at tokens', async () => {
    expect((await get('public')).body).toEqual({ user: null });
    const withBadToken = await get('public').set('Authorization', 'Bearer garbage');
    expect(withBadToken.status).toBe(200);
    expect(withBadToken.body).toEqual({ user: null });
  });

  it('identifies the caller on identifyCaller routes, anonymous without a token, 401 with a bad one', async () => {
    expect((await get('identify')).body).toEqual({ user: null });
    expect((await get('identify').set('Authorization', 'Bearer user:u1')).body).toEqual({
      user: 'u1',
    });
    expect((await get('identify').set('Authorization', 'Bearer garbage')).status).toBe(401);
  });

  it('answers 403 "Not authenticated" when a protected route gets no credential', async () => {
    const response = await get('any');
    expect(response.status).toBe(403);
    expect(response.body).toEqual({ detail: 'Not authenticated' });
  });

  it('reads the Bearer header, then the token cookie, then x-api-key', async () => {
    expect((await get('any').set('Cookie', 'token=user:from-cookie')).body).toEqual({
      user: 'from-cookie',
    });
    expect(
      (
        await get('any')
          .set('Cookie', 'token=user:from-cookie')
          .set('Authorization', 'Bearer user:from-header')
      ).body,
    ).toEqual({ user: 'from-header' });
    expect((await get('any').set('x-api-key', 'user:from-key-header')).body).toEqual({
      user: 'from-key-header',
    });
  });

  it('passes authentication failures through (401 bad token, 403 refused key)', async () => {
    expect((await get('any').set('Authorization', 'Bearer garbage')).status).toBe(401);
    expect((await get('admin').set('Authorization', 'Bearer sk-whatever')).status).toBe(403);
  });

  it.each([
    ['any', 'pending', 200],
    ['verified', 'pending', 401],
    ['verified', 'user', 200],
    ['admin', 'user', 401],
    ['admin', 'admin', 200],
  ])('%s route, %s caller -> %i', async (route, role, status) => {
    expect((await get(route).set('Authorization', `Bearer ${role}:someone`)).status).toBe(status);
  });

  it('needs the permission flag for role user (401 without it); admins hold every flag', async () => {
    const refused = await get('flag').set('Authorization', 'Bearer user:someone');
    expect(refused.status).toBe(401);
    expect(refused.body.detail).toMatch(/do not have permission/);
    expect((await get('flag').set('Authorization', 'Bearer user:builder')).status).toBe(200);
    permissions.hasPermission.mockClear();
    expect((await get('flag').set('Authorization', 'Bearer admin:boss')).status).toBe(200);
    expect(permissions.hasPermission).not.toHaveBeenCalled();
  });

  it('refuses and loudly logs a route that declares nothing, even for admins', async () => {
    const response = await get('undeclared').set('Authorization', 'Bearer admin:boss');
    expect(response.status).toBe(403);
    expect(response.body).not.toHaveProperty('leaked');
    expect(errors).toHaveBeenCalledWith(expect.stringContaining('ProbeController.undeclared'));
  });
});
