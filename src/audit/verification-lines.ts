// The checks of a verification as (passed, sentence) pairs: one wording for the terminal and
// the HTML evidence report.
import type { Verification } from './verify.js';

/** One line per check, in the order an auditor reads them. */
export function verificationLines(v: Verification): [boolean, string][] {
  const a = v.authenticity;
  const signature: [boolean, string] = a.checkedWith === 'none'
    ? [false, `rows not signed (${a.rows} rows)`]
    : [a.ok, `${a.signedRows} of ${a.rows} rows signed, checked against ${a.checkedWith === 'public-key' ? 'the public key(s) you passed' : 'the keys the store records (not proof of who signed)'}${a.keyIds.length ? `; key ${a.keyIds.map((k) => `${k.slice(0, 16)}…`).join(', ')}` : ''}${a.problems.length ? `: ${a.problems.join('; ')}` : ''}`];
  return [
    [v.chain.ok, `journal hash chain intact over ${v.chain.rows} rows${v.chain.ok ? '' : ` (broken at seq ${v.chain.brokenAtSeq}: ${v.chain.reason ?? ''})`}`],
    [v.definition.sameAsNow, v.definition.sameAsNow ? `machine definition unchanged since the run (${v.definition.current.slice(0, 16)}…)` : `machine definition changed since the run (run ${v.definition.recorded.slice(0, 16)}…, now ${v.definition.current.slice(0, 16)}…): verify with the oeflow version that ran it`],
    [v.replay.ok, `${v.replay.transitions.length} recorded events replayed through ${v.machineId} reproduce every recorded state${v.replay.problem ? `: ${v.replay.problem}` : ''}`],
    [v.ordering.ok, `every step result journaled before the transition that used it, and agreeing with it${v.ordering.problems.length ? `: ${v.ordering.problems.join('; ')}` : ''}`],
    [v.record.ok, `the stored run, attempts and commands (what reports show) agree with the journal${v.record.problems.length ? `: ${v.record.problems.join('; ')}` : ''}`],
    signature,
  ];
}
