import { Global, Module } from '@nestjs/common';
import { Clock } from './clock.js';

/** Process-wide primitives (the clock) available to every module. */
@Global()
@Module({ providers: [Clock], exports: [Clock] })
export class CommonModule {}
