// What a finished restore says about its target (`restore` and `resume`): whether ROLL FORWARD
// OPLOCK still protects it, and the operator's next step either way (docs/openedge.md §4.41).

/** The next step once every planned AI file is applied to `targetDb`. */
export function restoreNextStep(targetDb: string, targetProtected: boolean | undefined): string {
  if (targetProtected === true)
    return `${targetDb} is still protected (a transaction was open at the end of the last AI file): roll the next AI file forward by hand (\`rfutil ${targetDb} -C roll forward oplock -a <file>\`), or end the roll forward with \`rfutil ${targetDb} -C roll opunlock\` (it backs that transaction out; no AI file can follow), then start it (proserve ${targetDb})`;
  return `check the data in ${targetDb}, then start it (proserve ${targetDb}); once it is opened, no further AI file can be rolled forward into it`;
}
