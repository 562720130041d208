import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { USER_PERMISSION_FLAGS } from '@atrium/config';

const root = join(import.meta.dirname, '..');

/** Every `VARIABLE` name written in backticks in the README, with {A,B} alternatives expanded. */
function documentedVariables(): Set<string> {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const names = new Set<string>();
  for (const [, token] of readme.matchAll(/`([A-Z][A-Z0-9_{},]*)`/g)) {
    for (const name of expandBraces(token)) names.add(name);
  }
  return names;
}

function expandBraces(token: string): string[] {
  const match = /\{([^{}]*)\}/.exec(token);
  if (!match) return [token];
  const [whole, inner] = match;
  return inner.split(',').flatMap((option) => expandBraces(token.replace(whole, option)));
}

/** Environment names the config library reads: string literals passed to the EnvReader. */
function variablesReadByConfig(): Set<string> {
  const dir = join(root, 'libs/config/src');
  const names = new Set<string>();
  for (const file of readdirSync(dir).filter(
    (name) => name.endsWith('.ts') && !name.endsWith('.spec.ts'),
  )) {
    const source = readFileSync(join(dir, file), 'utf8');
    const calls = source.matchAll(
      /(?:reader\.\w+|parseBoolAlias)\(\s*(?:reader,\s*)?(\[[^\]]*\]|'[A-Z][A-Z0-9_]+'(?:\s*,\s*'[A-Z][A-Z0-9_]+')*)/g,
    );
    for (const [, args] of calls) {
      for (const [, name] of args.matchAll(/'([A-Z][A-Z0-9_]+)'/g)) names.add(name);
    }
  }
  for (const flag of USER_PERMISSION_FLAGS) names.add(flag.env);
  return names;
}

describe('README environment table', () => {
  it('documents every environment variable the config module reads', () => {
    const documented = documentedVariables();
    const read = variablesReadByConfig();
    expect(read.size).toBeGreaterThan(60);
    const missing = [...read].filter((name) => !documented.has(name)).sort();
    expect(missing).toEqual([]);
  });
});
