import { spawn } from 'node:child_process';
import { basename } from 'node:path';
import { SourceError } from '../source.error';
import { toolExecChannel, type ToolExecMessage } from '../source-metrics.channel';

export interface RunToolOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Kill the process (SIGKILL) after this long and fail with `timeout`. */
  timeoutMs: number;
  /** Kill the process once stdout exceeds this and fail with `output-too-large`. */
  maxOutputBytes: number;
  /** Shown in errors: what the user asked for, e.g. `helm template` or `kubectl kustomize`. */
  label: string;
  /** Written to the tool's stdin (e.g. a password for `--password-stdin`); never logged. */
  input?: string;
}

export interface RunToolResult {
  stdout: string;
  stderr: string;
}

/** stderr is only for the error message: keep its tail bounded however chatty the tool is. */
const MAX_STDERR_BYTES = 64 * 1024;

/**
 * Runs a tool (helm, kustomize) with a hard time and output limit. A non-zero exit becomes a
 * `tool-failed` SourceError whose message is the tool's own stderr: kustomize and helm
 * explain the problem better than we could.
 */
export function runTool(
  command: string,
  args: readonly string[],
  options: RunToolOptions,
): Promise<RunToolResult> {
  if (toolExecChannel.hasSubscribers) {
    const message: ToolExecMessage = { tool: basename(command), command: args[0] ?? '' };
    toolExecChannel.publish(message);
  }
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    // Without input the tool reads an empty stdin, as with /dev/null. A tool that exits before
    // reading it makes the write fail with EPIPE: its exit code says why, so that is ignored.
    child.stdin.on('error', () => {});
    child.stdin.end(options.input ?? '');
    const stdout: Buffer[] = [];
    let stdoutBytes = 0;
    let stderr = Buffer.alloc(0);
    let failure: SourceError | undefined;

    const kill = (err: SourceError) => {
      failure ??= err;
      child.kill('SIGKILL');
    };
    const timer = setTimeout(
      () =>
        kill(
          new SourceError(
            'timeout',
            `${options.label} did not finish within ${options.timeoutMs} ms and was stopped; ` +
              'simplify the source or raise the render timeout',
          ),
        ),
      options.timeoutMs,
    );

    child.stdout.on('data', (chunk: Buffer) => {
      stdoutBytes += chunk.length;
      if (stdoutBytes > options.maxOutputBytes) {
        kill(
          new SourceError(
            'output-too-large',
            `${options.label} produced more than ${options.maxOutputBytes} bytes of manifests and was stopped; ` +
              'split the application or raise the output limit',
          ),
        );
        return;
      }
      stdout.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = Buffer.concat([stderr, chunk]);
      if (stderr.length > MAX_STDERR_BYTES) stderr = stderr.subarray(stderr.length - MAX_STDERR_BYTES);
    });
    child.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const code = err.code === 'ENOENT' ? 'tool-not-found' : 'tool-failed';
      reject(
        new SourceError(code, `${options.label}: cannot run ${command}: ${err.message}`, undefined, {
          cause: err,
        }),
      );
    });
    child.on('close', (exitCode, signal) => {
      clearTimeout(timer);
      if (failure) return reject(failure);
      const errText = stderr.toString('utf8').trim();
      if (exitCode !== 0) {
        // kustomize prints deprecation warnings first; the reason is in the other lines.
        const lines = errText.split('\n');
        const errors = lines.filter((line) => !line.startsWith('# Warning:'));
        const reason =
          (errors.length > 0 ? errors : lines).join('\n').trim() ||
          `exited with ${signal ?? `code ${exitCode}`}`;
        return reject(new SourceError('tool-failed', `${options.label} failed: ${reason}`));
      }
      resolve({ stdout: Buffer.concat(stdout).toString('utf8'), stderr: errText });
    });
  });
}
