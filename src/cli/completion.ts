// `oeflow completion bash|zsh`: a completion script generated from the command tree itself,
// so it never lags behind the commands and options (plus the [db.<name>] section names, read
// from the configuration when completing).
import type { Command } from 'commander';
import { OeflowError } from '../errors.js';
import type { CliIO } from './io.js';

interface Node {
  path: string;
  words: string[];
}

/** Every command path (`backup online`) with the subcommands and long options it accepts. */
function commandTree(root: Command): Node[] {
  const nodes: Node[] = [];
  const walk = (c: Command, path: string[]) => {
    const globals = root.options.map((o) => o.long).filter((x): x is string => Boolean(x));
    const words = [
      ...c.commands.map((s) => s.name()),
      ...c.options.map((o) => o.long).filter((x): x is string => Boolean(x)),
      ...(path.length ? [] : globals),
    ];
    nodes.push({ path: path.join(' '), words: [...new Set(words)] });
    for (const s of c.commands) walk(s, [...path, s.name()]);
  };
  walk(root, []);
  return nodes;
}

function bashScript(root: Command): string {
  const cases = commandTree(root)
    .map((n) => `    "${n.path}") words="${n.words.join(' ')}" ;;`)
    .join('\n');
  const globals = root.options
    .map((o) => o.long)
    .filter(Boolean)
    .join(' ');
  return `# oeflow bash completion: source it, or save it as /etc/bash_completion.d/oeflow
_oeflow() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" path="" w i
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    [[ "$w" == -* ]] && continue
    case " $(_oeflow_words "$path") " in *" $w "*) path="\${path:+$path }$w" ;; esac
  done
  local words="$(_oeflow_words "$path") ${globals}"
  if [[ "$cur" != -* ]]; then words="$words $(oeflow config show 2>/dev/null | sed -n 's/^sections: //p' | tr -d ',' | sed 's/^none$//')"; fi
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
  [[ \${#COMPREPLY[@]} -eq 0 ]] && COMPREPLY=($(compgen -f -- "$cur"))
}
_oeflow_words() {
  local words=""
  case "$1" in
${cases}
  esac
  echo "$words"
}
complete -F _oeflow oeflow
`;
}

export function registerCompletionCommand(program: Command, io: CliIO): void {
  program
    .command('completion <shell>')
    .description('Print a shell completion script (bash; zsh through bashcompinit): `source <(oeflow completion bash)`')
    .action((shell: string) => {
      if (shell !== 'bash' && shell !== 'zsh')
        throw new OeflowError('OEF-001', `completion for ${shell} is not available: use bash or zsh`);
      const script = bashScript(program);
      io.out(shell === 'zsh' ? `autoload -U +X bashcompinit && bashcompinit\n${script}` : script);
    });
}
