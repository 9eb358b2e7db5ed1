/** The command tree as completion needs it: each command path with its subcommands and flags. */
export interface CompletionNode {
  path: string[];
  subcommands: string[];
  flags: string[];
}

/**
 * A completion script for `shell` from the command tree (commands two levels deep, then their flags), so it
 * never falls behind the commands. Pure: `berth completion` prints it.
 */
export function completionScript(shell: string, nodes: CompletionNode[]): string {
  const words = (n: CompletionNode) => [...n.subcommands, ...n.flags].join(' ');
  if (shell === 'bash') {
    const cases = nodes.map((n) => `    "${n.path.join(' ')}") echo "${words(n)}"; return ;;`).join('\n');
    // The deepest known command among the words typed so far; its subcommands and flags are offered.
    return String.raw`# berth bash completion: source <(berth completion bash)
_berth_words() {
  case "$1" in
${cases}
  esac
  return 1
}
_berth() {
  local cur="${'${'}COMP_WORDS[COMP_CWORD]}" path="" i words
  for ((i = 1; i < COMP_CWORD; i++)); do
    case "${'${'}COMP_WORDS[i]}" in -*) ;; *) path="${'${'}path:+$path }${'${'}COMP_WORDS[i]}" ;; esac
  done
  until words=$(_berth_words "$path"); do
    case "$path" in *" "*) path="${'${'}path% *}" ;; *) path="" ;; esac
  done
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -F _berth berth
`;
  }
  if (shell === 'zsh') {
    return `#compdef berth
# berth zsh completion: source <(berth completion zsh)
autoload -U bashcompinit && bashcompinit
${completionScript('bash', nodes)}`;
  }
  if (shell === 'fish') {
    const lines = ['# berth fish completion: berth completion fish | source', 'complete -c berth -f'];
    for (const n of nodes) {
      const condition =
        n.path.length === 0
          ? `not __fish_seen_subcommand_from ${nodes
              .filter((m) => m.path.length === 1)
              .map((m) => m.path[0])
              .join(' ')}`
          : `__fish_seen_subcommand_from ${n.path[n.path.length - 1]}`;
      for (const sub of n.subcommands) lines.push(`complete -c berth -n '${condition}' -a ${sub}`);
      for (const flag of n.flags.filter((f) => f.startsWith('--')))
        lines.push(`complete -c berth -n '${condition}' -l ${flag.slice(2)}`);
    }
    return `${lines.join('\n')}\n`;
  }
  throw new Error(`completion ${shell}: use bash, zsh or fish`);
}
