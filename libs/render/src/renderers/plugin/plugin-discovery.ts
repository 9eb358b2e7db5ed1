import type { ConfigManagementPlugin } from '@berth/domain';
import { isInside } from '@berth/sources';
import { readdir } from 'node:fs/promises';
import { join, normalize, relative, sep } from 'node:path';
import picomatch from 'picomatch';

const MAX_ENTRIES = 100_000;

/** How a plugin tells whether it renders a source: a file pattern, or a command (run by the caller). */
export type DiscoveryRule =
  | { kind: 'fileName'; pattern: string }
  | { kind: 'glob'; pattern: string }
  | { kind: 'command'; command: string[] }
  | { kind: 'none' };

/** Argo CD's order: `fileName`, else `find.glob`, else `find.command`; only the first set one counts. */
export function discoveryRule(plugin: ConfigManagementPlugin): DiscoveryRule {
  const discover = plugin.spec.discover;
  if (discover?.fileName) return { kind: 'fileName', pattern: discover.fileName };
  if (discover?.find?.glob) return { kind: 'glob', pattern: discover.find.glob };
  if (discover?.find?.command?.length) return { kind: 'command', command: discover.find.command };
  return { kind: 'none' };
}

/** Every file and directory below `dir`, relative (`/`-separated), symlinks not followed. */
async function entriesBelow(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (current: string): Promise<void> => {
    for (const entry of await readdir(current, { withFileTypes: true })) {
      if (out.length >= MAX_ENTRIES) return;
      const path = join(current, entry.name);
      out.push(relative(dir, path).split(sep).join('/'));
      if (entry.isDirectory()) await walk(path);
    }
  };
  await walk(dir);
  return out;
}

/**
 * Whether a file pattern of a plugin's discovery matches in `appDir`: `fileName` as Go's
 * filepath.Glob (one path segment per `*`), `find.glob` with `**` across directories (Argo CD uses
 * zglob). Patterns are the operator's; a pattern that would leave the repository matches nothing.
 */
export async function matchesFilePattern(
  rule: Extract<DiscoveryRule, { kind: 'fileName' | 'glob' }>,
  appDir: string,
  treeRoot: string,
): Promise<boolean> {
  const pattern = normalize(rule.pattern).split(sep).join('/').replace(/^\.\//, '');
  if (!isInside(treeRoot, join(appDir, pattern.replace(/[*?[].*$/, '')))) return false;
  const entries = await entriesBelow(appDir);
  if (rule.kind === 'glob') {
    const match = picomatch(pattern, { dot: true });
    return entries.some((entry) => match(entry));
  }
  // filepath.Glob: the pattern's segments match segment by segment; `*` never crosses `/`.
  const segments = pattern.split('/');
  const matchers = segments.map((segment) => picomatch(segment, { dot: true }));
  return entries.some((entry) => {
    const parts = entry.split('/');
    return parts.length === segments.length && parts.every((part, i) => matchers[i]!(part));
  });
}
