import logUpdate from 'log-update';
import { formatOperation, formatResources } from '../format/app-get.format';
import type { AppOperationState } from '../format/application';
import type { ResourceRow } from '../format/resource-rows';
import { changedLines, colourRow, colourStatus, PROGRESS_HEADER } from './progress-lines';

/** One poll's worth of what `app sync` / `app wait` show while they wait. */
export interface ProgressFrame {
  rows: ResourceRow[];
  operation?: AppOperationState;
  /** What is still awaited, e.g. "health: Progressing". */
  waiting?: string;
}

export interface ProgressView {
  update(frame: ProgressFrame): void;
  /** Leaves the last frame on screen (terminal) before the final output. */
  done(): void;
}

/**
 * On a terminal: a resource table redrawn in place (log-update). Elsewhere: Argo CD's plain lines, one
 * per resource change, so CI logs read top to bottom. `stream`: stderr when stdout carries -o json/yaml.
 */
export function progressView(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv = process.env): ProgressView {
  if (stream.isTTY) return terminalView(stream, !env['NO_COLOR']);
  const seen = new Map<string, string>();
  let headed = false;
  let lastWaiting = '';
  return {
    update(frame) {
      const lines = changedLines(seen, frame.rows, new Date());
      // The header first, as Argo CD prints it, even before the first resource has a state.
      if (!headed) {
        stream.write(`${PROGRESS_HEADER}\n`);
        headed = true;
      }
      if (lines.length) stream.write(`${lines.join('\n')}\n`);
      const waiting = frame.waiting ?? '';
      if (waiting && waiting !== lastWaiting) stream.write(`waiting for ${waiting}\n`);
      lastWaiting = waiting;
    },
    done() {},
  };
}

function terminalView(stream: NodeJS.WriteStream, colour: boolean): ProgressView {
  const render = logUpdate.create(stream);
  const started = Date.now();
  return {
    update(frame) {
      const rows = colour ? frame.rows.map(colourRow) : frame.rows;
      const phase = frame.operation?.phase ?? '';
      const head = [
        frame.operation
          ? formatOperation(frame.operation).replace(/^Phase: +(\S+)/m, (l, p: string) =>
              colour ? l.replace(p, colourStatus(p)) : l,
            )
          : '',
        `${frame.waiting ? `Waiting for ${frame.waiting}` : phase} (${Math.round((Date.now() - started) / 1000)}s)`,
      ].filter(Boolean);
      render([...head, '', formatResources(rows)].join('\n'));
    },
    done() {
      render.done();
    },
  };
}
