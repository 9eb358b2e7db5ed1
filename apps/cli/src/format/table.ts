import Table from 'cli-table3';

/**
 * Columns two spaces apart, no borders, headers in capitals: the look of Argo CD's tabwriter
 * tables (`argocd app list`), so scripts that cut columns by whitespace keep working. Trailing blanks
 * are trimmed.
 */
export function renderTable(headers: string[], rows: string[][]): string {
  const table = new Table({
    head: headers,
    chars: {
      top: '',
      'top-mid': '',
      'top-left': '',
      'top-right': '',
      bottom: '',
      'bottom-mid': '',
      'bottom-left': '',
      'bottom-right': '',
      left: '',
      'left-mid': '',
      mid: '',
      'mid-mid': '',
      right: '',
      'right-mid': '',
      middle: '  ',
    },
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0, compact: true },
    wordWrap: false,
  });
  for (const row of rows) table.push(row.map((cell) => cell.replace(/\r?\n/g, ' ')));
  return table
    .toString()
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n');
}

/** `Key:` padded to 20 columns then the value: Argo CD's `%-20s%s` summary blocks (`argocd app get`). */
export function renderFields(fields: Array<[string, string]>): string {
  return fields.map(([key, value]) => `${`${key}:`.padEnd(20)}${value}`.trimEnd()).join('\n');
}
