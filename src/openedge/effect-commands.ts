// Which utility calls change the database (as opposed to read-only probes): the ones a
// plan lists, the journal is compared on, and the audit requires an intent before.

/** True for a state-changing call, given as argv with the utility first. */
export function isEffectCommand(cmd: readonly string[]): boolean {
  const line = ` ${cmd.join(' ')} `;
  return (
    (/^ (proshut|proserve|proquiet|prostrct) /.test(line) && !/ list /.test(line)) ||
    / -C truncate bi /.test(line) ||
    / -C aimage new /.test(line) ||
    / -C mark backedup /.test(line) ||
    / -C sequence /.test(line) ||
    / -C roll forward /.test(line) ||
    / -C disablesitereplication /.test(line)
  );
}
