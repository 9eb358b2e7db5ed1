import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * How this process can make a directory refuse writes for real: `chmod 0555` (EACCES) as an
 * unprivileged user; as root, for whom modes do not count, a read-only bind mount over the directory
 * (EROFS, what a volume remounted read-only after disk errors does), which needs CAP_SYS_ADMIN;
 * undefined when neither works here (root in a container without it).
 */
export type ReadOnlyFault = 'chmod' | 'read-only-bind-mount';

let available: ReadOnlyFault | undefined | null = null;

export function readOnlyFaultAvailable(): ReadOnlyFault | undefined {
  if (available !== null) return available;
  if (process.getuid?.() !== 0) return (available = 'chmod');
  const probe = mkdtempSync(join(tmpdir(), 'berth-ro-probe-'));
  const dir = join(probe, 'dir');
  mkdirSync(dir);
  try {
    bindReadOnly(dir);
    withRetries(() => execFileSync('umount', [dir], { stdio: 'ignore' }));
    available = 'read-only-bind-mount';
  } catch {
    available = undefined;
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
  return available;
}

/** The errno a write into a directory made read-only by `fault` fails with. */
export function errnoOf(fault: ReadOnlyFault): 'EACCES' | 'EROFS' {
  return fault === 'chmod' ? 'EACCES' : 'EROFS';
}

/** Undos of the faults still in place: a mount outlives the process that made it. */
const outstanding = new Map<string, () => Promise<void>>();

/** Makes `dir` refuse writes (see readOnlyFaultAvailable); returns the undo. */
export async function makeReadOnly(dir: string): Promise<() => Promise<void>> {
  const fault = readOnlyFaultAvailable();
  let undo: () => Promise<void>;
  if (fault === 'chmod') {
    await chmod(dir, 0o555);
    undo = () => chmod(dir, 0o755);
  } else if (fault === 'read-only-bind-mount') {
    bindReadOnly(dir);
    undo = async () => {
      withRetries(() => execFileSync('umount', [dir], { stdio: 'ignore' }));
    };
  } else {
    throw new Error(
      'this process can neither chmod a directory read-only (root) nor bind-mount it (no CAP_SYS_ADMIN)',
    );
  }
  outstanding.set(dir, undo);
  return async () => {
    if (!outstanding.delete(dir)) return;
    await undo();
  };
}

/** Undoes every fault still in place (afterAll: a test that timed out never reached its own undo). */
export async function restoreAllReadOnly(): Promise<void> {
  for (const [dir, undo] of [...outstanding]) {
    outstanding.delete(dir);
    await undo().catch(() => undefined);
  }
}

function bindReadOnly(dir: string): void {
  execFileSync('mount', ['--bind', dir, dir], { stdio: 'ignore' });
  try {
    withRetries(() => execFileSync('mount', ['-o', 'remount,bind,ro', dir], { stdio: 'ignore' }));
  } catch (err) {
    withRetries(() => execFileSync('umount', [dir], { stdio: 'ignore' }));
    throw err;
  }
}

/**
 * A remount once failed in CI and passed when run again (mount(8) and umount(8) read /proc/self/mountinfo,
 * which other processes, or specs run in parallel on a developer's machine, may change meanwhile): a
 * transient failure is tried again, up to 5 times, 100 ms apart; a lasting one still fails with mount's error.
 */
function withRetries(run: () => unknown): void {
  for (let attempt = 1; ; attempt++) {
    try {
      run();
      return;
    } catch (err) {
      if (attempt >= 5) throw err;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
    }
  }
}
