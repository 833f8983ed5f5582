// The evidence keeps two verdicts apart: a failed backup's journal is PROVEN, and its
// headline still says FAILED at the article step, in the colour of the outcome, with the
// failed step drawn as failed; a killed-and-resumed run shows the crash and the resume.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { killAt } from '../helpers/crash.js';
import { oeflow, oeflowText, useInProcessCli } from '../helpers/oeflow.js';
import { useSim } from '../helpers/sim.js';

useInProcessCli();

const newSim = useSim();

describe('verify: integrity and outcome', () => {
  it('says PROVEN — FAILED at the article step for a failed backup, and draws the step as failed', async () => {
    const sim = newSim({ serve: true });
    const state = join(sim.dir, 'state.db');
    const env = { ...sim.env, OEFLOW_STATE: state };
    const run = await oeflow(['backup', 'offline', sim.db, '--to', join(sim.dir, 'bk')], {
      ...env,
      OEFLOW_SIM_FAULTS: 'rfutil:aimage new:fail',
    });
    expect(run.json.status).toBe('failed');
    const runId = String(run.json.runId);

    const html = join(sim.dir, 'evidence.html');
    const v = await oeflow(['verify', runId, '--html', html], env);
    expect(v.exitCode, v.stdout).toBe(0); // the journal is proven: verify's exit code is the integrity verdict
    expect(v.json.integrity).toEqual({ verdict: 'PROVEN', signed: false, authenticated: false });
    const outcome = v.json.outcome as {
      verdict: string;
      failedAt: { state: string; kb: string; title: string };
      code: string;
      message: string;
    };
    expect(outcome).toMatchObject({ verdict: 'FAILED', failedAt: { state: 'aiSwitch', kb: 'OFFLINE-4' } });
    expect(outcome.code).toMatch(/^OEF-\d{3}$/);
    expect(v.json.headline).toBe(
      `PROVEN (unsigned) — FAILED at OFFLINE-4 (aiSwitch): ${outcome.code} ${outcome.message}`,
    );

    const text = await oeflowText(['verify', runId], env);
    expect(text.stdout.split('\n')[0]).toBe(
      `run ${runId}: PROVEN (unsigned) — FAILED at OFFLINE-4 (aiSwitch): ${outcome.code} ${outcome.message}`,
    );

    const page = readFileSync(html, 'utf8');
    expect(page).toMatch(
      /<h1 class="headline bad" data-outcome="FAILED" data-integrity="PROVEN">[^<]*PROVEN \(unsigned\) — FAILED at OFFLINE-4/,
    );
    expect(page).toMatch(/<rect data-state="aiSwitch"[^>]*fill="#fde2e2" stroke="#c62828"/);
    expect(page).toContain('data-failed="aiSwitch"');
    expect(page).toContain('step that failed the run'); // the legend says what the red box means
    // the transitions table names steps, not xstate's internal events
    expect(page).not.toMatch(/<td>xstate\.(done|error)\.actor/);
    expect(page).toContain('<td>aiSwitch error</td>');

    const shown = await oeflowText(['show', runId], env);
    expect(shown.stdout.split('\n')[0]).toContain(`FAILED at OFFLINE-4 (aiSwitch): ${outcome.code}`);
    expect(shown.stdout).toMatch(/\(90001\) \S/); // the message text, not only its number
  }, 180_000);

  it('shows the crash and the resume of a killed-and-resumed run on the timeline and the chart', async () => {
    const sim = newSim({ serve: true });
    const state = join(sim.dir, 'state.db');
    const env = { ...sim.env, OEFLOW_STATE: state };
    await killAt(sim, state, ['backup', 'offline', sim.db, '--to', join(sim.dir, 'bk')], {
      stepKey: 'aiSwitch',
      crashAt: 'after-command',
    });
    const resumed = await oeflow(['resume', '--db', sim.db], env);
    expect(resumed.json.status, resumed.stdout).toBe('completed');
    const runId = String(resumed.json.runId);

    const html = join(sim.dir, 'evidence.html');
    const v = await oeflow(['verify', runId, '--html', html], env);
    expect(v.json.headline).toBe('PROVEN (unsigned) — COMPLETED');
    const shown = await oeflow(['show', runId], env);
    const events = shown.json.events as { kind: string; state: string }[];
    expect(events.map((e) => e.kind)).toEqual(['crash', 'lock-takeover', 'resume']);
    expect(events[0]!.state).toBe('aiSwitch');

    const page = readFileSync(html, 'utf8');
    expect(page).toMatch(/<td><b>crash<\/b><\/td><td>aiSwitch<\/td><td>the oeflow process died in aiSwitch/);
    expect(page).toMatch(/<td><b>resume<\/b><\/td><td>aiSwitch<\/td><td>resumed from running/);
    expect(page).toContain('data-marker="crash" data-marker-state="aiSwitch"');
    expect(page).toContain('data-marker="resume" data-marker-state="aiSwitch"');
    expect(page).toContain('data-marker="lock-takeover" data-marker-state="aiSwitch"');
    expect(page).toContain('crash (process died here)');

    const text = await oeflowText(['show', runId], env);
    expect(text.stdout).toMatch(/! \S+ +crash: the oeflow process died in aiSwitch/);
    expect(text.stdout).toMatch(/! \S+ +resume: resumed from running/);
  }, 180_000);
});
