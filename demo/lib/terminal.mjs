// How the demo talks to the person watching: headings, step markers, status tables.
// `--ci` (or NO_COLOR, or a non-TTY stdout) turns colours off; step markers are stable text so
// test/e2e/demo.e2e-spec.ts can assert that every step completed.

/** @typedef {{ color: boolean }} TerminalOptions */

const CODES = { bold: 1, dim: 2, red: 31, green: 32, yellow: 33, blue: 34, magenta: 35, cyan: 36 };

export class Terminal {
  /** @param {TerminalOptions} options */
  constructor(options) {
    this.color = options.color;
  }

  /** @param {keyof typeof CODES} style @param {string} text */
  paint(style, text) {
    return this.color ? `\u001b[${CODES[style]}m${text}\u001b[0m` : text;
  }

  /** @param {string} text */
  line(text = '') {
    process.stdout.write(`${text}\n`);
  }

  /** A step heading: `== STEP a: initial sync ==` (the marker the e2e test looks for). */
  step(id, title) {
    this.line();
    this.line(this.paint('bold', this.paint('cyan', `== STEP ${id}: ${title} ==`)));
  }

  /** The line that says a step converged: `STEP a OK (3.2 s)`. */
  stepDone(id, startedAt) {
    const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
    this.line(this.paint('green', `STEP ${id} OK (${seconds} s)`));
  }

  info(text) {
    this.line(`  ${text}`);
  }

  detail(text) {
    this.line(this.paint('dim', `  ${text}`));
  }

  /** The `berth` command for what the demo just did through the API (demo/lib/berth-cli.mjs), dim. */
  cli(command) {
    this.line(this.paint('dim', `    $ ${command}`));
  }

  warn(text) {
    this.line(this.paint('yellow', `  ! ${text}`));
  }

  error(text) {
    process.stderr.write(`${this.paint('red', text)}\n`);
  }

  /** A notification as the receiver got it, standing in for a Slack/DingTalk message. */
  notification(text) {
    this.line(this.paint('magenta', `  [notification] ${text}`));
  }

  /** @param {string[]} headers @param {Array<Array<string | number | null | undefined>>} rows */
  table(headers, rows) {
    for (const l of formatTable(headers, rows)) this.line(`  ${l}`);
  }
}

/**
 * Plain-text table, column widths from the widest cell. Pure, so it is unit-tested.
 * @param {string[]} headers
 * @param {Array<Array<string | number | null | undefined>>} rows
 * @returns {string[]}
 */
export function formatTable(headers, rows) {
  const cells = rows.map((r) =>
    headers.map((_, i) => (r[i] === null || r[i] === undefined ? '' : String(r[i]))),
  );
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i].length)));
  const render = (r) =>
    r
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [render(headers), render(widths.map((w) => '-'.repeat(w))), ...cells.map(render)];
}
