import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

let cached: string | undefined;

/**
 * Berth's version: `version` of the `berth` package.json, found from the working directory upwards (the
 * repository root in development and tests, /app in the image, which copies package.json). Read once.
 */
export function berthVersion(start: string = process.cwd()): string {
  if (cached !== undefined) return cached;
  let dir = start;
  for (let depth = 0; depth < 32; depth++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        name?: unknown;
        version?: unknown;
      };
      if (pkg.name === 'berth' && typeof pkg.version === 'string') return (cached = pkg.version);
    } catch {
      // no package.json here, or not JSON: look further up
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return (cached = 'unknown');
}
