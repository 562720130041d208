import 'reflect-metadata';
import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { describe, expect, it } from 'vitest';
import { AUTH_REQUIREMENT, type AuthRequirement } from '@atrium/common';
import { GroupsController } from './groups.controller.js';
import { UsersController } from './users.controller.js';

/** Every route of the users library with who may call it: a new route cannot ship unguarded. */
const EXPECTED = [
  'GET /api/v1/users admin',
  'GET /api/v1/users/all admin',
  'GET /api/v1/users/search verified',
  'GET /api/v1/users/active verified',
  'GET /api/v1/users/groups verified',
  'GET /api/v1/users/permissions verified',
  'GET /api/v1/users/default/permissions admin',
  'POST /api/v1/users/default/permissions admin',
  'GET /api/v1/users/user/settings verified',
  'POST /api/v1/users/user/settings/update verified',
  'GET /api/v1/users/user/info verified',
  'POST /api/v1/users/user/info/update verified',
  'GET /api/v1/users/:user_id verified',
  'GET /api/v1/users/:user_id/info verified',
  'GET /api/v1/users/:user_id/groups admin',
  'GET /api/v1/users/:user_id/profile/image verified',
  'GET /api/v1/users/:user_id/active verified',
  'POST /api/v1/users/:user_id/update admin',
  'DELETE /api/v1/users/:user_id admin',
  'GET /api/v1/groups verified',
  'POST /api/v1/groups/create admin',
  'GET /api/v1/groups/id/:id admin',
  'GET /api/v1/groups/id/:id/info verified',
  'GET /api/v1/groups/id/:id/export admin',
  'POST /api/v1/groups/id/:id/users admin',
  'POST /api/v1/groups/id/:id/update admin',
  'POST /api/v1/groups/id/:id/users/add admin',
  'POST /api/v1/groups/id/:id/users/remove admin',
  'DELETE /api/v1/groups/id/:id/delete admin',
];

function routesOf(controller: abstract new (...args: never[]) => unknown): string[] {
  const base = Reflect.getMetadata(PATH_METADATA, controller) as string;
  const prototype = controller.prototype as Record<string, unknown>;
  return Object.getOwnPropertyNames(prototype)
    .filter(
      (name) =>
        name !== 'constructor' && Reflect.hasMetadata(PATH_METADATA, prototype[name] as object),
    )
    .map((name) => {
      const handler = prototype[name] as object;
      const path = Reflect.getMetadata(PATH_METADATA, handler) as string;
      const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod];
      const requirement = Reflect.getMetadata(AUTH_REQUIREMENT, handler) as
        AuthRequirement | undefined;
      const fullPath = `/${base}${path === '/' ? '' : `/${path}`}`;
      return `${method} ${fullPath} ${requirement?.level ?? 'UNGUARDED'}`;
    });
}

describe('users library routes', () => {
  it('declares who may call every route, in an order where static paths come first', () => {
    expect([...routesOf(UsersController), ...routesOf(GroupsController)]).toEqual(EXPECTED);
  });
});
