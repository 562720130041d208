import {
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import type { Response } from 'express';
import { map, type Observable } from 'rxjs';

/**
 * FastAPI answers a bare `null`, `true`, `false` or number as JSON text; Nest would send an empty
 * or text/html body, and the frontend calls res.json() on it. Registered once, for every route.
 */
@Injectable()
export class JsonPrimitiveInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      map((value: unknown) => {
        // undefined means the handler wrote the response itself (redirects, streams).
        if (value !== null && typeof value !== 'boolean' && typeof value !== 'number') return value;
        context.switchToHttp().getResponse<Response>().type('application/json');
        return JSON.stringify(value);
      }),
    );
  }
}
