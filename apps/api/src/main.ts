import { Logger } from '@nestjs/common';
import { ConfigValidationError, loadConfig } from '@atrium/config';
import { createApp } from './create-app.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigValidationError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const app = await createApp({ config });
  await app.listen(config.server.port, config.server.host);
  new Logger('Atrium').log(`listening on http://${config.server.host}:${config.server.port}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
