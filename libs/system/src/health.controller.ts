import { Controller, Get, Header } from '@nestjs/common';
import { Public } from '@atrium/common';
import { HealthService } from './health.service.js';

interface StatusResponse {
  status: true;
}

/** Probes for orchestrators and load balancers; never cached, never authenticated. */
@Controller()
export class HealthController {
  constructor(private readonly health: HealthService) {}

  /** Liveness: the process answers HTTP. */
  @Public()
  @Get('health')
  @Header('Cache-Control', 'no-store')
  live(): StatusResponse {
    return { status: true };
  }

  /** 503 {"detail": "Database not ready"} when the database does not answer. */
  @Public()
  @Get('health/db')
  @Header('Cache-Control', 'no-store')
  async database(): Promise<StatusResponse> {
    await this.health.assertDatabase();
    return { status: true };
  }

  /** Readiness: started, database answers, Redis answers when REDIS_URL is set; else 503. */
  @Public()
  @Get('ready')
  @Header('Cache-Control', 'no-store')
  async ready(): Promise<StatusResponse> {
    await this.health.assertReady();
    return { status: true };
  }
}
