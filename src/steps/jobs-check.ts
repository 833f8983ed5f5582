// OFFLINE-3: make sure scheduled jobs against the database have stopped (site command).
import { fail, noCommands, type Step } from './step.js';

export const jobsCheck = {
  id: 'jobsCheck',
  title: 'Check that no scheduled job is running',
  kb: 'OFFLINE-3',
  effect: 'read',
  commands: noCommands,
  probe: async () => null,
  async run(env) {
    const cmd = env.ctx.input.jobsCheck;
    if (cmd === undefined || cmd === '')
      return { checked: false, skipped: true, note: 'no --jobs-check command configured' };
    // The operator's own command line, run by their shell on purpose (like cron would).
    const { execa } = await import('execa'); // loaded only by runs with a jobs check (~0.2 s)
    const mark = env.markSpawn();
    const sub = execa(cmd, {
      shell: true,
      reject: false,
      cancelSignal: env.signal,
      env: { ...mark.env, OEFLOW_DB: env.ctx.input.db },
    });
    // journaled with its pid: a resume after a kill waits for it like a leftover utility
    const ended =
      sub.pid === undefined
        ? undefined
        : env.siteCommandStarted(sub.pid, [sub.spawnfile, ...sub.spawnargs.slice(1)], false, mark.spawnId);
    const r = await sub;
    ended?.();
    if (r.exitCode !== 0) {
      fail(
        'invariant',
        'OEF-201',
        `--jobs-check \`${cmd}\` exited ${r.exitCode ?? r.signal}: ${(r.stdout || r.stderr).trim().slice(0, 300)}`,
      );
    }
    return { checked: true, command: cmd };
  },
} satisfies Step<null>;
