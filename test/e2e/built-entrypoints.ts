import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The checkout root (tests run with cwd = the checkout, as npm test does). */
export const REPO_ROOT = resolve(process.cwd());

export class BuildMissingError extends Error {
  override readonly name = 'BuildMissingError';
  readonly code = 'BuildMissing';
  constructor(missing: string[]) {
    super(
      `${missing.join(', ')} missing: run npm run build first (these tests start the compiled processes)`,
    );
  }
}

/** Process tests start `dist/`: fail at once, with the fix, when it has not been built. */
export function assertBuilt(entrypoints: string[]): void {
  const missing = entrypoints.filter((f) => !existsSync(join(REPO_ROOT, f)));
  if (missing.length > 0) throw new BuildMissingError(missing);
}
