import { Foundation1763700000000 } from './1763700000000-foundation.js';

/** Every migration in the order it applies. Add new ones at the end. */
export const MIGRATIONS = [Foundation1763700000000];
