import type { Command } from 'commander';
import { out } from '../cli-session';
import { type CompletionNode, completionScript } from '../format/completion';
import { action, example } from './action';

/** `berth completion bash|zsh|fish`: a script generated from the command tree. */
export function registerCompletion(program: Command): void {
  const completion = program
    .command('completion')
    .description('Print a shell completion script')
    .argument('<shell>', 'bash, zsh or fish')
    .action(
      action(async (_session, _options, [shell]) => {
        out(completionScript(shell!, nodesOf(program, [])));
      }),
    );
  example(
    completion,
    'source <(berth completion bash)      # in ~/.bashrc\nsource <(berth completion zsh)       # in ~/.zshrc\nberth completion fish | source       # in ~/.config/fish/config.fish',
  );
}

function nodesOf(command: Command, path: string[]): CompletionNode[] {
  const node: CompletionNode = {
    path,
    subcommands: command.commands.map((c) => c.name()),
    flags: command.options.flatMap((o) => [o.long, o.short].filter((f): f is string => !!f)),
  };
  return [node, ...command.commands.flatMap((c) => nodesOf(c, [...path, c.name()]))];
}
