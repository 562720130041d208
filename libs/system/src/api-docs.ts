import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import type { OpenAPIObject } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import type { AppConfig } from '@atrium/config';
import { readPackageVersion } from './build-info.js';
import { escapeMarkup } from './escape-markup.js';

const DOCS_PATH = '/docs';
const OPENAPI_PATH = '/openapi.json';
/** Swagger UI's files that the docs page loads (served from the swagger-ui-dist package). */
const UI_FILES = new Set([
  'swagger-ui.css',
  'swagger-ui-bundle.js',
  'swagger-ui-standalone-preset.js',
  'favicon-32x32.png',
  'favicon-16x16.png',
]);

interface LoadedDocs {
  document: OpenAPIObject;
  uiDir: string;
}

/**
 * OpenAPI docs at /docs (Swagger UI) and /openapi.json, only when ENV=dev (Open WebUI's rule and
 * its default). Importing @nestjs/swagger costs 150-200 ms, so nothing of it loads at start: the
 * first request to either path imports it and builds the document, later ones reuse it.
 * Call before app.init()/listen(): the handler must precede Nest's 404 handler.
 */
export function setupApiDocs(app: INestApplication, config: AppConfig): boolean {
  if (config.server.env !== 'dev') return false;
  let loading: Promise<LoadedDocs> | undefined;
  const load = (): Promise<LoadedDocs> => {
    loading ??= loadDocs(app, config).catch((error: unknown) => {
      loading = undefined;
      throw error;
    });
    return loading;
  };

  app.use((request: Request, response: Response, next: NextFunction) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return next();
    const path = request.path;
    const file = path.startsWith(`${DOCS_PATH}/`) ? path.slice(DOCS_PATH.length + 1) : undefined;
    if (
      path !== OPENAPI_PATH &&
      path !== DOCS_PATH &&
      file !== '' &&
      !(file && UI_FILES.has(file))
    ) {
      return next();
    }
    load().then(({ document, uiDir }) => {
      if (path === OPENAPI_PATH) response.json(document);
      else if (file)
        response.sendFile(file, { root: uiDir }, (error?: Error) => error && next(error));
      else response.type('html').send(docsPage(config.server.webuiName));
    }, next);
  });
  return true;
}

async function loadDocs(app: INestApplication, config: AppConfig): Promise<LoadedDocs> {
  const { DocumentBuilder, SwaggerModule } = await import('@nestjs/swagger');
  const documentConfig = new DocumentBuilder()
    .setTitle(config.server.webuiName)
    .setDescription('Atrium: an Open WebUI-compatible API.')
    .setVersion(readPackageVersion())
    .addBearerAuth()
    .build();
  // swagger-ui-dist comes with @nestjs/swagger; resolve it from there, wherever npm put it.
  const fromSwagger = createRequire(createRequire(import.meta.url).resolve('@nestjs/swagger'));
  return {
    document: SwaggerModule.createDocument(app, documentConfig),
    uiDir: dirname(fromSwagger.resolve('swagger-ui-dist/package.json')),
  };
}

function docsPage(title: string): string {
  const safeTitle = escapeMarkup(title);
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8" />
  <title>${safeTitle} - API docs</title>
  <link rel="icon" type="image/png" href="${DOCS_PATH}/favicon-32x32.png" />
  <link rel="stylesheet" href="${DOCS_PATH}/swagger-ui.css" />
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="${DOCS_PATH}/swagger-ui-bundle.js"></script>
  <script>
    window.ui = SwaggerUIBundle({ url: '${OPENAPI_PATH}', dom_id: '#swagger-ui', persistAuthorization: true });
  </script>
</body>
</html>
`;
}
