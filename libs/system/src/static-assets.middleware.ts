import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { NotFoundError } from '@atrium/common';
import { StaticAssetsService } from './static-assets.service.js';

/** Runs before the API routes (and the auth guard): serves files and the SPA page, or passes on. */
@Injectable()
export class StaticAssetsMiddleware implements NestMiddleware {
  constructor(private readonly assets: StaticAssetsService) {}

  use(request: Request, response: Response, next: NextFunction): void | Promise<void> {
    // Only GET/HEAD can be a file: everything else (every chat request) passes without a promise.
    if (request.method !== 'GET' && request.method !== 'HEAD') return next();
    return this.serve(request, response, next);
  }

  private async serve(request: Request, response: Response, next: NextFunction): Promise<void> {
    const decision = await this.assets.resolve(request.method, pathnameOf(request.originalUrl));
    if (decision.kind === 'pass') return next();
    if (decision.kind === 'not-found') throw new NotFoundError('Not Found');
    await new Promise<void>((resolve, reject) => {
      response.sendFile(
        decision.relativePath,
        { root: decision.root, headers: decision.headers, cacheControl: false, dotfiles: 'deny' },
        (error?: Error) => {
          // A client that went away mid-file is not an error worth a log line.
          if (!error || response.destroyed || request.destroyed) resolve();
          else reject(error);
        },
      );
    });
  }
}

function pathnameOf(url: string): string {
  const end = url.search(/[?#]/);
  return end === -1 ? url : url.slice(0, end);
}
