import { Foundation1763700000000 } from './1763700000000-foundation.js';
import { Providers1763800000000 } from './1763800000000-providers.js';
import { Chats1763900000000 } from './1763900000000-chats.js';
import { Audit1764000000000 } from './1764000000000-audit.js';
import { Models1764100000000 } from './1764100000000-models.js';
import { OAuth1764200000000 } from './1764200000000-oauth.js';
import { WorkspaceExtras1764300000000 } from './1764300000000-workspace-extras.js';

/** Every migration in the order it applies. Add new ones at the end. */
export const MIGRATIONS = [
  Foundation1763700000000,
  Providers1763800000000,
  Chats1763900000000,
  Audit1764000000000,
  Models1764100000000,
  OAuth1764200000000,
  WorkspaceExtras1764300000000,
];
