// The error a verification that did not prove its run carries (OEF-330): which checks
// failed, and the next action that fits them.
import { errorCodes } from '../errors.js';
import type { Verification } from './verify.js';

export interface NotProven {
  code: 'OEF-330';
  message: string;
  hint: string;
}

/** Short names of the checks that failed, in the order `verificationLines` lists them. */
function failedChecks(v: Verification): string[] {
  const a = v.authenticity;
  return [
    ...(v.chain.ok ? [] : [`journal hash chain broken at seq ${v.chain.brokenAtSeq ?? '?'}`]),
    ...(v.definition.available ? [] : ['the machine definition the run ran under is not in this oeflow']),
    // without the run's definition there was no replay to fail: the line above says why
    ...(v.replay.ok || !v.definition.available ? [] : ['replay does not reproduce the recorded states']),
    ...(v.ordering.ok ? [] : ['step results out of order']),
    ...(v.record.ok ? [] : ['stored run record differs from the journal']),
    // unsigned rows without --public-key are a stated limit, not a failed check
    ...(a.ok || a.checkedWith === 'none'
      ? []
      : [a.checkedWith === 'public-key' ? 'rows not all signed by a key you passed' : 'row signatures do not verify']),
  ];
}

/** OEF-330 for a run that is not proven; undefined when it is. */
export function notProvenError(v: Verification): NotProven | undefined {
  if (v.verdict === 'proven') return undefined;
  const failed = failedChecks(v);
  const onlyDefinition = failed.length === 1 && !v.definition.available;
  const onlyKey = failed.length === 1 && !v.authenticity.ok && v.authenticity.checkedWith === 'public-key';
  const hint = onlyDefinition
    ? `Verify with ${v.definition.shippedIn.length ? `oeflow ${v.definition.shippedIn.join(' or ')}` : 'the oeflow version that ran it'} (definition ${v.definition.recorded.slice(0, 16)}…); nothing in the journal is known to be wrong.`
    : onlyKey
      ? 'Pass the public key of the signer with --public-key (the .pub next to the key in OEFLOW_SIGNING_KEY); if the run was not signed it cannot be authenticated. Otherwise keep the store for investigation.'
      : errorCodes['OEF-330'].hint;
  return {
    code: 'OEF-330',
    message: `run ${v.runId} is not proven: ${failed.length ? failed.join('; ') : 'a check failed'}`,
    hint,
  };
}
