import type { ResourceRow } from '../format/resource-rows';
import { RESOURCE_HEADERS, resourceCells } from '../format/resource-rows';

/**
 * Progress for a pipe or a CI log: Argo CD's non-terminal output of `app sync` / `app wait`, one line per
 * resource each time its state changes, stamped with the time. Pure: the caller keeps `seen`.
 */
export const PROGRESS_HEADER = ['TIMESTAMP', ...RESOURCE_HEADERS].join('  ');

const rowKey = (r: ResourceRow) => `${r.group}/${r.kind}/${r.namespace}/${r.name}`;

/** The rows whose cells changed since `seen` (updated in place), as lines. */
export function changedLines(seen: Map<string, string>, rows: ResourceRow[], now: Date): string[] {
  const lines: string[] = [];
  for (const row of rows) {
    const cells = resourceCells(row);
    const text = cells.join('\u0000');
    if (seen.get(rowKey(row)) === text) continue;
    seen.set(rowKey(row), text);
    lines.push([now.toISOString().replace(/\.\d+Z$/, 'Z'), ...cells].map((c) => c || '-').join('  '));
  }
  return lines;
}

/** Colours for a terminal (never when NO_COLOR is set or output is not a TTY): statuses as Argo CD's UI. */
export function colourStatus(text: string): string {
  const code: Record<string, number> = {
    Synced: 32,
    Healthy: 32,
    Succeeded: 32,
    OutOfSync: 33,
    Progressing: 36,
    Running: 36,
    Suspended: 35,
    Degraded: 31,
    Missing: 33,
    Failed: 31,
    Error: 31,
    Unknown: 90,
  };
  const c = code[text];
  return c ? `\u001b[${c}m${text}\u001b[0m` : text;
}

export function colourRow(row: ResourceRow): ResourceRow {
  return { ...row, status: colourStatus(row.status), health: colourStatus(row.health) };
}
