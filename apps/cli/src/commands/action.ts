import type { Command } from 'commander';
import { CliSession } from '../cli-session';
import { CliError, EXIT } from '../http/cli-error';

/**
 * Wraps a command's action: it gets the session and its own options; a CliError becomes its lines on
 * stderr and its exit code, anything else one line with the message (never a stack trace).
 */
export function action<O extends object>(
  fn: (session: CliSession, options: O, args: string[], command: Command) => Promise<number | void>,
): (...args: unknown[]) => Promise<void> {
  return async (...args: unknown[]) => {
    const command = args[args.length - 1] as Command;
    const positional = args
      .slice(0, -2)
      .flat()
      .filter((a): a is string => typeof a === 'string');
    try {
      const code = await fn(
        CliSession.of(command),
        command.opts<O & Record<string, unknown>>(),
        positional,
        command,
      );
      if (typeof code === 'number') process.exitCode = code;
    } catch (error) {
      process.exitCode = reportError(error);
    }
  };
}

/** Prints an error for people; returns the exit code. */
export function reportError(error: unknown): number {
  if (error instanceof CliError) {
    process.stderr.write(`${error.lines.map((l, i) => (i === 0 ? `error: ${l}` : l)).join('\n')}\n`);
    return error.exitCode;
  }
  process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
  return EXIT.generic;
}

/** Appends an example block to a command's help, as every Argo CD command has one. */
export function example(command: Command, text: string): Command {
  return command.addHelpText('after', `\nExamples:\n${text.replace(/^/gm, '  ')}\n`);
}
