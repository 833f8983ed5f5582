#!/usr/bin/env node
// Entry of every `$DLC/bin/<utility>` script: dispatch on the utility name. Only
// builtins are imported up front; the utility module is loaded on demand (start-up cost).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { faultFor, parseFaults } from './faults.js';
import { logInvocation } from './invocation-log.js';
import { Exit, Session } from './session.js';

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

async function main(): Promise<number> {
  const [utility = '', ...args] = process.argv.slice(2);
  const dlc = resolve(process.env['OEFLOW_SIM_DLC'] ?? process.env['DLC'] ?? '.');
  const argv = [utility, ...args];
  logInvocation(dlc, { phase: 'start', argv });
  const load = loaders[utility];
  if (load === undefined) {
    process.stderr.write(`oeflow simulator: unknown utility "${utility}"\n`);
    logInvocation(dlc, { phase: 'end', argv, exitCode: 2 });
    return 2;
  }
  const parsed = parseFaults(process.env['OEFLOW_SIM_FAULTS']);
  for (const e of parsed.errors) process.stderr.write(`oeflow simulator: ${e}\n`);
  const s = new Session(utility, args, dlc, faultFor(parsed.faults, utility, args, dlc));
  let code = 0;
  try {
    s.print(banner(dlc));
    s.print('');
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
