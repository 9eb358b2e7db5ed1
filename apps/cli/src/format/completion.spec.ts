import { describe, expect, it } from '@jest/globals';
import { completionScript } from './completion';

const nodes = [
  { path: [], subcommands: ['app'], flags: ['--server'] },
  { path: ['app'], subcommands: ['sync'], flags: [] },
  { path: ['app', 'sync'], subcommands: [], flags: ['--prune'] },
];

describe('completion scripts', () => {
  it('bash lists each command path with its subcommands and flags', () => {
    const script = completionScript('bash', nodes);
    expect(script).toContain('"app sync") echo "--prune"; return ;;');
    expect(script).toContain('complete -F _berth berth');
  });

  it('zsh reuses the bash script through bashcompinit; fish completes subcommands and long flags', () => {
    expect(completionScript('zsh', nodes)).toMatch(/^#compdef berth\n[\s\S]*bashcompinit/);
    const fish = completionScript('fish', nodes);
    expect(fish).toContain("complete -c berth -n 'not __fish_seen_subcommand_from app' -a app");
    expect(fish).toContain("complete -c berth -n '__fish_seen_subcommand_from sync' -l prune");
  });

  it('refuses other shells', () =>
    expect(() => completionScript('tcsh', nodes)).toThrow(/bash, zsh or fish/));
});
