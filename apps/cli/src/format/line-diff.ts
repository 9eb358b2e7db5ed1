/**
 * A line diff in unified format (`@@ -a,b +c,d @@`, then ` `, `-` and `+` lines), for `berth app diff`.
 * Longest common subsequence over lines: the objects compared are Kubernetes manifests of a few hundred
 * lines, so the O(n*m) table is small; past LCS_LIMIT cells the whole old text is shown replaced by the
 * new one rather than spending the memory. No diff library is a dependency of the CLI (jest-diff in
 * node_modules comes with the tests and is not installed with the CLI).
 */

/** 4,000 x 4,000 lines: 16 M cells of 4 bytes, the most one resource's diff may take. */
const LCS_LIMIT = 16_000_000;

type Edit = { op: ' ' | '-' | '+'; line: string };

/** The edits turning `a` into `b`, in order. */
export function lineEdits(a: readonly string[], b: readonly string[]): Edit[] {
  // Common head and tail cost nothing; only the middle needs the table.
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (
    tail < a.length - head &&
    tail < b.length - head &&
    a[a.length - 1 - tail] === b[b.length - 1 - tail]
  )
    tail++;
  const x = a.slice(head, a.length - tail);
  const y = b.slice(head, b.length - tail);
  const edits: Edit[] = a.slice(0, head).map((line) => ({ op: ' ', line }));
  if ((x.length + 1) * (y.length + 1) > LCS_LIMIT) {
    edits.push(
      ...x.map((line) => ({ op: '-' as const, line })),
      ...y.map((line) => ({ op: '+' as const, line })),
    );
  } else {
    // lcs[i][j]: length of the longest common subsequence of x[i..] and y[j..].
    const width = y.length + 1;
    const lcs = new Uint32Array((x.length + 1) * width);
    for (let i = x.length - 1; i >= 0; i--)
      for (let j = y.length - 1; j >= 0; j--)
        lcs[i * width + j] =
          x[i] === y[j]
            ? lcs[(i + 1) * width + j + 1]! + 1
            : Math.max(lcs[(i + 1) * width + j]!, lcs[i * width + j + 1]!);
    let i = 0;
    let j = 0;
    while (i < x.length || j < y.length) {
      if (i < x.length && j < y.length && x[i] === y[j]) {
        edits.push({ op: ' ', line: x[i]! });
        i++;
        j++;
      } else if (j < y.length && (i === x.length || lcs[i * width + j + 1]! >= lcs[(i + 1) * width + j]!)) {
        edits.push({ op: '+', line: y[j]! });
        j++;
      } else {
        edits.push({ op: '-', line: x[i]! });
        i++;
      }
    }
  }
  edits.push(...a.slice(a.length - tail).map((line) => ({ op: ' ' as const, line })));
  return edits;
}

/**
 * The unified diff of two texts with `context` unchanged lines around each change; '' when they are equal.
 * Removals come before additions within a change, as `diff -u` prints them.
 */
export function unifiedDiff(oldText: string, newText: string, context = 3): string {
  const a = linesOf(oldText);
  const b = linesOf(newText);
  const edits = reorder(lineEdits(a, b));
  const changed = edits.map((e, k) => (e.op !== ' ' ? k : -1)).filter((k) => k >= 0);
  if (changed.length === 0) return '';
  // Group changes whose context windows touch into one hunk.
  const hunks: Array<[number, number]> = [];
  for (const k of changed) {
    const start = Math.max(0, k - context);
    const end = Math.min(edits.length, k + context + 1);
    const last = hunks[hunks.length - 1];
    if (last && start <= last[1]) last[1] = end;
    else hunks.push([start, end]);
  }
  // Line numbers (1-based) in a and b where each edit sits.
  const aLine: number[] = [];
  const bLine: number[] = [];
  let ai = 1;
  let bi = 1;
  for (const e of edits) {
    aLine.push(ai);
    bLine.push(bi);
    if (e.op !== '+') ai++;
    if (e.op !== '-') bi++;
  }
  const out: string[] = [];
  for (const [start, end] of hunks) {
    const slice = edits.slice(start, end);
    const aCount = slice.filter((e) => e.op !== '+').length;
    const bCount = slice.filter((e) => e.op !== '-').length;
    // An empty side starts at the line before (diff -u's convention: `-0,0`).
    const aStart = aCount === 0 ? aLine[start]! - 1 : aLine[start]!;
    const bStart = bCount === 0 ? bLine[start]! - 1 : bLine[start]!;
    out.push(`@@ -${aStart},${aCount} +${bStart},${bCount} @@`);
    for (const e of slice) out.push(`${e.op}${e.line}`);
  }
  return out.join('\n');
}

function linesOf(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Within each run of changes, removals first, then additions. */
function reorder(edits: Edit[]): Edit[] {
  const out: Edit[] = [];
  let removed: Edit[] = [];
  let added: Edit[] = [];
  const flush = () => {
    out.push(...removed, ...added);
    removed = [];
    added = [];
  };
  for (const e of edits) {
    if (e.op === '-') removed.push(e);
    else if (e.op === '+') added.push(e);
    else {
      flush();
      out.push(e);
    }
  }
  flush();
  return out;
}
