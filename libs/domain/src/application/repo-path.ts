/**
 * How far a relative path climbs above its starting directory: 0 when it stays inside, n when `..`
 * segments leave it by n levels. `a/../../b` climbs 1.
 */
export function levelsAboveStart(path: string): number {
  let depth = 0;
  let lowest = 0;
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    depth += segment === '..' ? -1 : 1;
    lowest = Math.min(lowest, depth);
  }
  return -lowest;
}

/** Depth of a directory below the repository root: `overlays/prod` is 2, `./` is 0. */
export function depthBelowRoot(path: string): number {
  let depth = 0;
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    depth = segment === '..' ? Math.max(0, depth - 1) : depth + 1;
  }
  return depth;
}
