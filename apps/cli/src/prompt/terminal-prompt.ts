import input from '@inquirer/input';
import password from '@inquirer/password';
import { CliError } from '../http/cli-error';

/** Asks a person at a terminal; never reads a pipe, so a script without the flags fails instead of hanging. */
export interface TerminalPrompt {
  /** A visible answer (a username). */
  text(message: string): Promise<string>;
  /** A secret: nothing of it is echoed (the terminal is in raw mode while it is typed). */
  secret(message: string): Promise<string>;
}

/**
 * The prompt on this process's terminal, or a CliError saying which flags to pass when stdin or stderr is not
 * a terminal (a CI job, a pipe). Prompts go to stderr so stdout stays what the command prints.
 */
export function terminalPrompt(missing: string): TerminalPrompt {
  if (!process.stdin.isTTY || !process.stderr.isTTY)
    throw new CliError([`${missing}: no terminal to ask on (stdin is not a TTY)`]);
  const context = { input: process.stdin, output: process.stderr };
  const asked = async (ask: () => Promise<string>): Promise<string> => {
    try {
      return await ask();
    } catch (error) {
      // Ctrl-C or Ctrl-D at the prompt: stop quietly, as a shell does, with 130 (128 + SIGINT).
      if (error instanceof Error && error.name === 'ExitPromptError') throw new CliError(['cancelled'], 130);
      throw error;
    }
  };
  return {
    text: (message) => asked(() => input({ message, required: true, theme: { prefix: '' } }, context)),
    secret: (message) => asked(() => password({ message, mask: false, theme: { prefix: '' } }, context)),
  };
}
