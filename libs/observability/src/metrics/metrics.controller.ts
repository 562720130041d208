import { timingSafeEqual, createHash } from 'node:crypto';
import { Controller, Get, Header, Headers, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Public, UnauthorizedError } from '@atrium/common';
import { APP_CONFIG, type AppConfig } from '@atrium/config';
import { Registry } from 'prom-client';
import { AtriumMetrics } from './atrium-metrics.js';

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

/** GET /metrics in Prometheus text format; a bearer is required when METRICS_API_KEY is set. */
@Controller()
export class MetricsController {
  private readonly apiKey?: Buffer;

  constructor(
    private readonly metrics: AtriumMetrics,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    const key = config.observability.metricsApiKey;
    this.apiKey = key === undefined ? undefined : digest(key);
  }

  @Get('metrics')
  @Public()
  @Header('Cache-Control', 'no-store')
  async scrape(
    @Res({ passthrough: true }) response: Response,
    @Headers('authorization') authorization?: string,
  ): Promise<string> {
    if (this.apiKey) {
      const presented = /^Bearer\s+(.+)$/i.exec(authorization ?? '')?.[1]?.trim() ?? '';
      if (!timingSafeEqual(digest(presented), this.apiKey)) {
        throw new UnauthorizedError('Invalid metrics API key');
      }
    }
    response.type(Registry.PROMETHEUS_CONTENT_TYPE);
    return this.metrics.registry.metrics();
  }
}
