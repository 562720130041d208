import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deploymentIdFor, readPackageVersion } from './build-info.js';

describe('build info', () => {
  it("reads Atrium's version from the nearest atrium package.json above", () => {
    const root = mkdtempSync(join(tmpdir(), 'atrium-version-'));
    try {
      writeFileSync(
        join(root, 'package.json'),
        JSON.stringify({ name: 'atrium', version: '3.2.1' }),
      );
      mkdirSync(join(root, 'dist/libs/system/src'), { recursive: true });
      writeFileSync(
        join(root, 'dist/package.json'),
        JSON.stringify({ name: 'something-else', version: '9.9.9' }),
      );
      expect(readPackageVersion(join(root, 'dist/libs/system/src'))).toBe('3.2.1');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('falls back to 0.0.0 like Open WebUI when there is none', () => {
    expect(readPackageVersion('/')).toBe('0.0.0');
  });

  it('the repository version is a semver', () => {
    expect(readPackageVersion()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('the deployment id is stable for a build, changes with it, and DEPLOYMENT_ID wins', () => {
    expect(deploymentIdFor('1.0.0', 'abc')).toBe(deploymentIdFor('1.0.0', 'abc'));
    expect(deploymentIdFor('1.0.0', 'abc')).not.toBe(deploymentIdFor('1.0.1', 'abc'));
    expect(deploymentIdFor('1.0.0', 'abc')).not.toBe(deploymentIdFor('1.0.0', 'abd'));
    expect(deploymentIdFor('1.0.0', 'abc', 'prod-eu-1')).toBe('prod-eu-1');
  });
});
