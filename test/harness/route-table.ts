import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { ModulesContainer } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import { AUTH_REQUIREMENT, type AuthRequirement } from '@atrium/common';

export interface RouteEntry {
  method: string;
  path: string;
  requirement: AuthRequirement | undefined;
}

/** Every HTTP route the app serves, with the access requirement its decorators declare. */
export function listRoutes(app: INestApplication): RouteEntry[] {
  const routes: RouteEntry[] = [];
  const seen = new Set<unknown>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as (new (...args: never[]) => unknown) | undefined;
      if (!controller || seen.has(controller)) continue;
      seen.add(controller);
      const prefixes = asList(
        Reflect.getMetadata(PATH_METADATA, controller) as string | string[] | undefined,
      );
      const prototype = controller.prototype as Record<string, unknown>;
      for (const name of Object.getOwnPropertyNames(prototype)) {
        const handler = prototype[name];
        if (name === 'constructor' || typeof handler !== 'function') continue;
        const paths = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
        if (paths === undefined) continue;
        const method =
          RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod];
        const requirement =
          (Reflect.getMetadata(AUTH_REQUIREMENT, handler) as AuthRequirement | undefined) ??
          (Reflect.getMetadata(AUTH_REQUIREMENT, controller) as AuthRequirement | undefined);
        for (const prefix of prefixes) {
          for (const path of asList(paths)) {
            routes.push({ method, path: joinPath(prefix, path), requirement });
          }
        }
      }
    }
  }
  return routes.sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
}

function asList(value: string | string[] | undefined): string[] {
  if (value === undefined) return ['/'];
  return Array.isArray(value) ? value : [value];
}

function joinPath(prefix: string, path: string): string {
  const joined = `/${prefix}/${path}`.replace(/\/+/g, '/');
  return joined.length > 1 && joined.endsWith('/') && !path.endsWith('/')
    ? joined.slice(0, -1)
    : joined;
}

/** One line per route: "GET /api/v1/users/ admin". */
export function describeRoute(route: RouteEntry): string {
  const requirement = route.requirement;
  if (!requirement) return `${route.method} ${route.path} MISSING`;
  const extra = [
    requirement.permission ? `permission=${requirement.permission}` : '',
    requirement.identifyCaller ? 'identify-caller' : '',
  ].filter(Boolean);
  return [route.method, route.path, requirement.level, ...extra].join(' ');
}
