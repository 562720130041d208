import { stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@atrium/config';
import { systemOptions } from './system-options.js';

/** What to do with a request before the API routes see it. */
export type StaticDecision =
  | { kind: 'pass' }
  | { kind: 'not-found' }
  | { kind: 'file'; root: string; relativePath: string; headers: Record<string, string> };

/**
 * Paths the SPA never answers: the API surface and the probes. A miss there is the API's own
 * JSON 404, never index.html (Open WebUI would serve index.html for an unknown /api path).
 */
const API_PREFIXES = [
  '/api',
  '/ollama',
  '/openai',
  '/ws',
  '/oauth',
  '/health',
  '/ready',
  '/docs',
  '/openapi.json',
  '/cache',
  '/manifest.json',
  '/opensearch.xml',
] as const;

const STATIC_PREFIX = '/static';
/** Default images also requested at the root (the default profile image "/user.png", arena model "/favicon.png"). */
const ROOT_IMAGES = new Set(['/favicon.png', '/user.png']);

/** A missing path with one of these extensions (or under /_app/) is a real 404, not the SPA page. */
const ASSET_EXTENSIONS = new Set(
  (
    'js mjs cjs css map json wasm txt xml webmanifest ' +
    'png jpg jpeg gif svg ico webp avif bmp woff woff2 ttf otf eot ' +
    'mp3 mp4 wav ogg webm pdf zip gz br data whl tar'
  )
    .split(' ')
    .map((extension) => `.${extension}`),
);

const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Everything else revalidates (ETag / Last-Modified make that a cheap 304). */
const REVALIDATE = 'no-cache';

/**
 * Decides how `/static/*`, the root images and FRONTEND_BUILD_DIR are served.
 * - `/static/*`: STATIC_DIR first (Atrium's defaults or the operator's branding), then the
 *   frontend build's own `static/` folder (loader.js, custom.css, fonts...); a miss is a 404.
 * - `/favicon.png`, `/user.png`: the same two places, looked up at the root.
 * - With FRONTEND_BUILD_DIR: existing files are served, hashed `/_app/immutable/*` for a year;
 *   any other path outside the API gets index.html (client-side routes), unless it looks like
 *   an asset, which gets a real 404 so a stale bundle never receives HTML as JavaScript.
 */
@Injectable()
export class StaticAssetsService {
  private readonly staticDirs: string[];
  private readonly rootImageDirs: string[];
  private readonly frontendDir: string | undefined;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    const options = systemOptions(config);
    const staticDir = resolve(options.staticDir);
    this.frontendDir = options.frontendBuildDir ? resolve(options.frontendBuildDir) : undefined;
    this.staticDirs = this.frontendDir
      ? [staticDir, join(this.frontendDir, 'static')]
      : [staticDir];
    this.rootImageDirs = this.frontendDir ? [staticDir, this.frontendDir] : [staticDir];
  }

  async resolve(method: string, rawPath: string): Promise<StaticDecision> {
    if (method !== 'GET' && method !== 'HEAD') return { kind: 'pass' };
    const path = decodePath(rawPath);
    if (path === undefined) return { kind: 'pass' };

    if (underPrefix(path, STATIC_PREFIX)) {
      return (
        (await this.findFile(this.staticDirs, path.slice(STATIC_PREFIX.length))) ?? {
          kind: 'not-found',
        }
      );
    }
    if (API_PREFIXES.some((prefix) => underPrefix(path, prefix))) return { kind: 'pass' };
    if (ROOT_IMAGES.has(path)) {
      return (await this.findFile(this.rootImageDirs, path)) ?? { kind: 'not-found' };
    }
    if (!this.frontendDir) return { kind: 'pass' };

    const found = await this.findFile([this.frontendDir], path);
    if (found) return found;
    if (looksLikeAsset(path)) return { kind: 'not-found' };
    return (await this.findFile([this.frontendDir], '/index.html')) ?? { kind: 'pass' };
  }

  /** The first existing file for `path` under `roots` (a directory serves its index.html). */
  private async findFile(roots: string[], path: string): Promise<StaticDecision | undefined> {
    const segments = safeSegments(path);
    if (segments === undefined) return undefined;
    for (const root of roots) {
      for (const candidate of [segments, [...segments, 'index.html']]) {
        if (candidate.length === 0) continue;
        const absolute = join(root, ...candidate);
        if (absolute !== root && !absolute.startsWith(root + sep)) continue;
        const info = await stat(absolute).catch(() => undefined);
        if (info?.isFile()) {
          return {
            kind: 'file',
            root,
            relativePath: candidate.join('/'),
            headers: headersFor(candidate),
          };
        }
      }
    }
    return undefined;
  }
}

function headersFor(segments: string[]): Record<string, string> {
  const headers: Record<string, string> = {
    'Cache-Control': segments[0] === '_app' && segments[1] === 'immutable' ? IMMUTABLE : REVALIDATE,
  };
  // Pyodide's workers load these cross-origin without credentials (Open WebUI serves them with "*").
  if (segments[0] === 'pyodide') headers['Access-Control-Allow-Origin'] = '*';
  return headers;
}

function underPrefix(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(`${prefix}/`);
}

function decodePath(rawPath: string): string | undefined {
  try {
    const decoded = decodeURIComponent(rawPath);
    return decoded.includes('\0') ? undefined : decoded;
  } catch {
    return undefined;
  }
}

/** Path segments, or undefined for traversal and hidden files (".env", "..", ".git/"). */
function safeSegments(path: string): string[] | undefined {
  const segments = path.split('/').filter((segment) => segment.length > 0);
  if (segments.some((segment) => segment.startsWith('.') || segment.includes('\\')))
    return undefined;
  return segments;
}

function looksLikeAsset(path: string): boolean {
  if (path.startsWith('/_app/')) return true;
  const last = path.slice(path.lastIndexOf('/') + 1);
  return ASSET_EXTENSIONS.has(extname(last).toLowerCase());
}
