import 'reflect-metadata';
import { ConfigValidationError, loadConfig } from '@atrium/config';
import { createDataSource, runMigrations } from '@atrium/database';
import { MIGRATIONS } from '../../../migrations/index.js';

/** Applies pending migrations and exits: `npm run migration:run` (a Kubernetes job). */
async function migrate(): Promise<void> {
  const config = loadConfig();
  const dataSource = createDataSource(config.database, [], MIGRATIONS);
  await dataSource.initialize();
  try {
    const applied = await runMigrations(dataSource);
    console.log(applied.length === 0 ? 'No pending migrations.' : `Applied: ${applied.join(', ')}`);
  } finally {
    await dataSource.destroy();
  }
}

migrate().catch((error: unknown) => {
  console.error(error instanceof ConfigValidationError ? error.message : error);
  process.exit(1);
});
