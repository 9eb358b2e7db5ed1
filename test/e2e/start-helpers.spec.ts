import { beforeAll, describe, expect, it } from '@jest/globals';
import { validateApplication } from '@berth/domain';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT } from './built-entrypoints';

// `npm start` is plain Node ESM (scripts/start.mjs + demo/lib/*.mjs, no types): load its pure helpers by path.
const lib = (file: string) => join(REPO_ROOT, 'demo/lib', file);
interface StartArgs {
  parseStartArgs(argv: string[]): { help: boolean; error?: string; workers?: number; configFile?: string };
}
interface Processes {
  workerPorts(base: number, count: number, taken: number[]): number[];
}
interface Supervisor {
  nextRestartDelay(previousDelayMs: number, upForMs: number): number;
}
interface LogLines {
  readableLine(line: string): string | undefined;
}
let args: StartArgs;
let processes: Processes;
let supervisor: Supervisor;
let logLines: LogLines;

beforeAll(async () => {
  args = (await import(lib('start-args.mjs'))) as StartArgs;
  processes = (await import(lib('berth-processes.mjs'))) as Processes;
  supervisor = (await import(lib('process-supervisor.mjs'))) as Supervisor;
  logLines = (await import(lib('log-lines.mjs'))) as LogLines;
});

describe('npm start arguments', () => {
  it.each<[string[], object]>([
    [[], { help: false, workers: 2 }],
    [['--workers', '3'], { help: false, workers: 3 }],
    [['--workers=1'], { help: false, workers: 1 }],
    [['--help'], { help: true }],
    [['--config', 'berth.yaml', '--workers', '3'], { help: false, workers: 3, configFile: 'berth.yaml' }],
    [['--config=/etc/berth/berth.yaml'], { help: false, workers: 2, configFile: '/etc/berth/berth.yaml' }],
  ])('%j -> %j', (argv, expected) => expect(args.parseStartArgs(argv)).toEqual(expected));

  it.each([
    ['--workers', '0'],
    ['--workers', 'two'],
    ['--workers', '33'],
    ['--workers'],
    ['--worker', '2'],
    ['--config'],
    ['--config', '--workers'],
  ])('%j is refused, naming the argument', (...argv) => {
    const parsed = args.parseStartArgs(argv);
    expect(parsed.error).toContain(argv[0]);
    expect(parsed.workers).toBeUndefined();
  });
});

describe('worker ports', () => {
  it('count up from WORKER_PORT, skipping the scheduler and the notifier', () => {
    expect(processes.workerPorts(8081, 3, [8080, 8082])).toEqual([8081, 8083, 8084]);
    expect(processes.workerPorts(9000, 1, [8080, 8082])).toEqual([9000]);
  });
});

describe('restart backoff', () => {
  it('starts at 1 s, doubles to at most 30 s, and starts over after a minute up', () => {
    expect(supervisor.nextRestartDelay(0, 10)).toBe(1000);
    expect(supervisor.nextRestartDelay(1000, 10)).toBe(2000);
    expect(supervisor.nextRestartDelay(16_000, 10)).toBe(30_000);
    expect(supervisor.nextRestartDelay(30_000, 10)).toBe(30_000);
    expect(supervisor.nextRestartDelay(30_000, 61_000)).toBe(1000);
  });
});

describe('log lines', () => {
  it.each<[string, string | undefined]>([
    [
      '[Nest] 13841  - 12/04/2026, 4:36:41 PM     LOG [scheduler] Berth scheduler listening on 127.0.0.1:18480',
      '4:36:41 PM LOG [scheduler] Berth scheduler listening on 127.0.0.1:18480',
    ],
    [
      '[Nest] 13841  - 12/04/2026, 4:36:41 PM     LOG [RouterExplorer] Mapped {/healthz, GET} route +0ms',
      undefined,
    ],
    [
      '[Nest] 13841  - 12/04/2026, 4:36:41 PM   ERROR [worker] sync failed',
      '4:36:41 PM ERROR [worker] sync failed',
    ],
    ['    4MgJ49bYluCPjn9I', '    4MgJ49bYluCPjn9I'],
  ])('%s', (line, shown) => expect(logLines.readableLine(line)).toBe(shown));
});

describe('examples/guestbook-application.yaml', () => {
  it('is a valid Application', () => {
    const app = parse(
      readFileSync(join(REPO_ROOT, 'examples/guestbook-application.yaml'), 'utf8'),
    ) as unknown;
    const result = validateApplication(app);
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.warnings).toEqual([]);
  });
});
