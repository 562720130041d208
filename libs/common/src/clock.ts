import { Injectable } from '@nestjs/common';

/** The time source, injectable so tests can move time. */
@Injectable()
export class Clock {
  nowMs(): number {
    return Date.now();
  }

  /** Epoch seconds, the unit of every created_at/updated_at column. */
  nowSeconds(): number {
    return Math.floor(this.nowMs() / 1000);
  }
}
