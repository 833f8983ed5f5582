#!/usr/bin/env node
// Entry of every `$DLC/bin/<utility>` script: dispatch on the utility name. Only
// builtins are imported up front; the utility module is loaded on demand (start-up cost).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { faultFor, parseFaults } from './faults.js';
import { logInvocation } from './invocation-log.js';
import { Exit, Session } from './session.js';
import { msg } from './messages.js';
import { splitStartupParams } from './startup-params.js';

type UtilityModule = { run(s: Session): Promise<void> };

const loaders: Record<string, () => Promise<UtilityModule>> = {
  proserve: () => import('./utilities/proserve.js'),
  proshut: () => import('./utilities/proshut.js'),
  proutil: () => import('./utilities/proutil.js'),
  rfutil: () => import('./utilities/rfutil.js'),
  proquiet: () => import('./utilities/proquiet.js'),
  prostrct: () => import('./utilities/prostrct.js'),
};

function banner(dlc: string): string {
  try {
    return readFileSync(resolve(dlc, 'version'), 'utf8').trimEnd();
  } catch {
    return 'OpenEdge Release 12.8 as of Fri Sep 13 10:00:00 EDT 2024';
  }
}

// The executables behind the scripts (docs/openedge.md §0): `_dbutil prostrct …` is prostrct.
const EXECUTABLES: Record<string, string> = {
  _mprosrv: 'proserve',
  _mprshut: 'proshut',
  _proutil: 'proutil',
  _rfutil: 'rfutil',
};

function resolveUtility(name: string, args: readonly string[]): { utility: string; args: readonly string[] } {
  if (name === '_dbutil' && args[0] === 'prostrct') return { utility: 'prostrct', args: args.slice(1) };
  return { utility: EXECUTABLES[name] ?? name, args };
}

async function main(): Promise<number> {
  const [invoked = '', ...given] = process.argv.slice(2);
  const dlc = resolve(process.env['OEFLOW_SIM_DLC'] ?? process.env['DLC'] ?? '.');
  const argv = [invoked, ...given];
  logInvocation(dlc, { phase: 'start', argv });
  const { utility, args: withParams } = resolveUtility(invoked, given);
  const load = loaders[utility];
  if (load === undefined) {
    process.stderr.write(`oeflow simulator: unknown utility "${invoked}"\n`);
    logInvocation(dlc, { phase: 'end', argv, exitCode: 2 });
    return 2;
  }
  const parsed = parseFaults(process.env['OEFLOW_SIM_FAULTS']);
  for (const e of parsed.errors) process.stderr.write(`oeflow simulator: ${e}\n`);
  const { args, params, missingValue } = splitStartupParams(withParams);
  const s = new Session(utility, args, dlc, faultFor(parsed.faults, utility, args, dlc), params);
  let code = 0;
  try {
    s.print(banner(dlc));
    s.print('');
    if (missingValue !== null)
      s.fail(msg.usage(utility, `${missingValue} needs a value`, `${utility} … ${missingValue} <value>`));
    await (await load()).run(s);
  } catch (err) {
    if (err instanceof Exit) code = err.code;
    else {
      process.stderr.write(`SYSTEM ERROR: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      code = 1;
    }
  }
  s.runCleanups();
  logInvocation(dlc, { phase: 'end', argv, exitCode: code });
  return code;
}

process.exitCode = await main();
