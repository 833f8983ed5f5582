// The checks of a verification as (passed, sentence) pairs: one wording for the terminal and
// the HTML evidence report.
import type { Verification } from './verify.js';

/** One line per check, in the order an auditor reads them. */
export function verificationLines(v: Verification): [boolean, string][] {
  const a = v.authenticity;
  const signature: [boolean, string] =
    a.checkedWith === 'none'
      ? [false, `rows not signed (${a.rows} rows)`]
      : [
          a.ok,
          `${a.signedRows} of ${a.rows} rows signed, checked against ${a.checkedWith === 'public-key' ? 'the public key(s) you passed' : 'the keys the store records (not proof of who signed)'}${a.keyIds.length ? `; key ${a.keyIds.map((k) => `${k.slice(0, 16)}…`).join(', ')}` : ''}${a.problems.length ? `: ${a.problems.join('; ')}` : ''}`,
        ];
  return [
    [
      v.chain.ok,
      `journal hash chain intact over ${v.chain.rows} rows${v.chain.ok ? '' : ` (broken at seq ${v.chain.brokenAtSeq}: ${v.chain.reason ?? ''})`}`,
    ],
    [v.definition.available, definitionLine(v.definition)],
    [
      v.replay.ok,
      `${v.replay.transitions.length} recorded events replayed through ${v.machineId} reproduce every recorded state${v.replay.problem ? `: ${v.replay.problem}` : ''}`,
    ],
    [
      v.ordering.ok,
      `every step result journaled before the transition that used it, and agreeing with it${v.ordering.problems.length ? `: ${v.ordering.problems.join('; ')}` : ''}`,
    ],
    [
      v.record.ok,
      `the stored run, attempts and commands (what reports show) agree with the journal${v.record.problems.length ? `: ${v.record.problems.join('; ')}` : ''}`,
    ],
    signature,
  ];
}

function definitionLine(d: Verification['definition']): string {
  const shipped = d.shippedIn.length ? `, shipped in oeflow ${d.shippedIn.join(', ')}` : '';
  if (d.replayedWith === 'current')
    return `replayed with the definition the run ran under (${d.recorded.slice(0, 16)}…${shipped}), today's`;
  if (d.replayedWith === 'archived')
    return `replayed with the definition the run ran under (${d.recorded.slice(0, 16)}…${shipped}), kept in the archive of shipped definitions (today's is ${d.current.slice(0, 16)}…)`;
  return `the definition the run ran under (${d.recorded.slice(0, 16)}…${shipped}) is not in this oeflow: verify with ${d.shippedIn.length ? `oeflow ${d.shippedIn.join(' or ')}` : 'the oeflow version that ran it'}`;
}
