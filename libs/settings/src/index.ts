export * from './config-entry.entity.js';
export * from './settings.module.js';
export * from './settings.service.js';

import { ConfigEntryEntity } from './config-entry.entity.js';
export const SETTINGS_ENTITIES = [ConfigEntryEntity];
