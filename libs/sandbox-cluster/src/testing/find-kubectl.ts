import { accessSync, constants } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';

/**
 * The kubectl binary to drive the sandbox with: `$KUBECTL_PATH`, else the repo's
 * `.tools/bin/kubectl` (installed by `npm run tools`), else `kubectl` on PATH.
 * Returns undefined when none is executable.
 */
export function findKubectl(
  env: NodeJS.ProcessEnv = process.env,
  repoRoot = process.cwd(),
): string | undefined {
  const candidates = [
    env['KUBECTL_PATH'],
    resolve(repoRoot, '.tools/bin/kubectl'),
    ...(env['PATH'] ?? '')
      .split(delimiter)
      .filter(Boolean)
      .map((dir) => join(dir, 'kubectl')),
  ];
  for (const candidate of candidates) {
    if (!candidate) continue;
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not there or not executable: try the next one.
    }
  }
  return undefined;
}
