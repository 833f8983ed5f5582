import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sha256Hex, type Store } from '../../../src/store/index.js';
import type Database from 'better-sqlite3';
import { expectOeflowError, sampleRun, tempStore } from './helpers.js';

let store: Store;
let raw: Database.Database;
let cleanup: () => void;
let clock = Date.parse('2025-01-01T00:00:00.000Z');

beforeEach(() => {
  clock = Date.parse('2025-01-01T00:00:00.000Z');
  ({ store, raw, cleanup } = tempStore({ now: () => new Date((clock += 1000)) }));
});
afterEach(() => cleanup());

describe('Store runs', () => {
  it('creates a running run and journals run-started as seq 1 when createRun is called', () => {
    store.createRun(sampleRun);
    const run = store.getRun(sampleRun.runId);
    expect(run).toMatchObject({
      runId: 'run-1',
      status: 'running',
      resumable: true,
      input: sampleRun.input,
      lastSeq: 1,
      endedAt: null,
    });
    expect(run?.snapshot).toBeUndefined();
    const [first] = store.journal(sampleRun.runId);
    expect(first).toMatchObject({
      seq: 1,
      kind: 'run-started',
      prevHash: '0'.repeat(64),
      data: { machineId: 'offline-backup', db: '/db/sports' },
    });
    expect(run?.headHash).toBe(first?.hash);
  });

  it('refuses a second run with the same id when createRun repeats an id', () => {
    store.createRun(sampleRun);
    expectOeflowError(() => store.createRun(sampleRun), 'OEF-002');
    expect(store.journal(sampleRun.runId)).toHaveLength(1);
  });

  it('lists runs newest first and filters by db when asked', () => {
    store.createRun(sampleRun);
    store.createRun({ ...sampleRun, runId: 'run-2', db: '/db/other' });
    store.createRun({ ...sampleRun, runId: 'run-3' });
    expect(store.listRuns().map((r) => r.runId)).toEqual(['run-3', 'run-2', 'run-1']);
    expect(store.listRuns({ db: '/db/sports' }).map((r) => r.runId)).toEqual(['run-3', 'run-1']);
  });

  it('finds the open run per db by status and resumable flag when openRunForDb is asked', () => {
    store.createRun(sampleRun);
    expect(store.openRunForDb('/db/sports')?.runId).toBe('run-1');
    store.setRunStatus('run-1', 'completed', { ended: true });
    expect(store.openRunForDb('/db/sports')).toBeUndefined();

    store.createRun({ ...sampleRun, runId: 'run-2' });
    store.setRunStatus('run-2', 'failed', { error: { code: 'OEF-050' }, resumable: false, ended: true });
    expect(store.openRunForDb('/db/sports')).toBeUndefined();
    store.setRunStatus('run-2', 'failed', { resumable: true });
    expect(store.openRunForDb('/db/sports')?.runId).toBe('run-2');

    for (const status of ['aborted', 'needs-decision', 'running'] as const) {
      store.setRunStatus('run-2', status);
      expect(store.openRunForDb('/db/sports')?.status).toBe(status);
    }
    expect(store.openRunForDb('/db/elsewhere')).toBeUndefined();
  });

  it('sets, keeps and clears error and ended_at when setRunStatus gets extra fields', () => {
    store.createRun(sampleRun);
    store.setRunStatus('run-1', 'failed', { error: new Error('boom'), ended: true });
    const failed = store.getRun('run-1');
    expect(failed?.error).toMatchObject({ name: 'Error', message: 'boom' });
    expect(failed?.endedAt).not.toBeNull();
    store.setRunStatus('run-1', 'aborted');
    expect(store.getRun('run-1')?.error).toMatchObject({ message: 'boom' });
    store.setRunStatus('run-1', 'running', { error: null, ended: false });
    expect(store.getRun('run-1')).toMatchObject({ status: 'running', error: undefined, endedAt: null });
    expect(store.journal('run-1')).toHaveLength(1);
  });

  it('throws OEF-030 when setRunStatus names an unknown run', () => {
    expectOeflowError(() => store.setRunStatus('nope', 'completed'), 'OEF-030');
  });
});

describe('Store.recordTransition', () => {
  const t1 = {
    event: { type: 'START' },
    from: 'idle',
    to: 'precheck',
    snapshot: { value: 'precheck', context: { n: 1 } },
  };
  const t2 = {
    event: { type: 'NEXT' },
    from: 'precheck',
    to: { copy: 'running' },
    snapshot: { value: { copy: 'running' }, context: { n: 2 } },
  };

  it('journals the transition and stores the snapshot and state value when it commits', () => {
    store.createRun(sampleRun);
    const row = store.recordTransition('run-1', t1);
    expect(row).toMatchObject({
      seq: 2,
      kind: 'transition',
      data: { event: { type: 'START' }, from: 'idle', to: 'precheck' },
    });
    expect((row.data as { snapshotSha256: string }).snapshotSha256).toBe(
      sha256Hex('{"context":{"n":1},"value":"precheck"}'),
    );
    store.recordTransition('run-1', t2);
    const run = store.getRun('run-1');
    expect(run?.snapshot).toEqual(t2.snapshot);
    expect(run?.stateValue).toEqual({ copy: 'running' });
    expect(run?.lastSeq).toBe(3);
  });

  it('writes neither the journal row nor the snapshot when the transaction fails half way', () => {
    store.createRun(sampleRun);
    store.recordTransition('run-1', t1);
    const before = { journal: store.journal('run-1'), run: store.getRun('run-1') };
    // The journal insert runs first; make the snapshot update that follows it fail.
    raw.exec(
      `CREATE TRIGGER fail_snapshot BEFORE UPDATE OF snapshot_json ON runs BEGIN SELECT RAISE(ABORT, 'disk on fire'); END`,
    );
    const err = expectOeflowError(() => store.recordTransition('run-1', t2), 'OEF-020');
    expect(err.message).toContain('disk on fire');
    expect(store.journal('run-1')).toEqual(before.journal);
    expect(store.getRun('run-1')).toEqual(before.run);

    raw.exec('DROP TRIGGER fail_snapshot');
    expect(store.recordTransition('run-1', t2).seq).toBe(3);
    expect(store.verifyChain('run-1')).toEqual({ ok: true, rows: 3 });
  });

  it('throws OEF-030 and writes nothing when the run does not exist', () => {
    expectOeflowError(() => store.recordTransition('ghost', t1), 'OEF-030');
    expect(raw.prepare('SELECT COUNT(*) AS n FROM journal').get()).toEqual({ n: 0 });
  });
});

describe('Store attempts memo', () => {
  beforeEach(() => store.createRun(sampleRun));

  it('returns undefined when no intent was recorded for the step', () => {
    expect(store.latestAttempt('run-1', 'aiSwitch')).toBeUndefined();
  });

  it('shows an in-doubt attempt with its intent data when an intent has no result', () => {
    const row = store.recordIntent('run-1', {
      stepKey: 'aiSwitch',
      stepId: 'aiSwitch',
      attempt: 1,
      data: { probe: { aiSeq: 7 } },
    });
    expect(row).toMatchObject({ kind: 'intent', stepKey: 'aiSwitch', attempt: 1 });
    expect(store.latestAttempt('run-1', 'aiSwitch')).toEqual({
      runId: 'run-1',
      stepKey: 'aiSwitch',
      attempt: 1,
      stepId: 'aiSwitch',
      intentSeq: row.seq,
      intent: { probe: { aiSeq: 7 } },
      resultSeq: null,
      outcome: null,
      output: undefined,
      error: undefined,
    });
  });

  it('returns the highest attempt with its outcome when several attempts exist', () => {
    store.recordIntent('run-1', { stepKey: 'copy', stepId: 'copyFiles', attempt: 1, data: {} });
    store.recordResult('run-1', { stepKey: 'copy', attempt: 1, outcome: 'error', error: { code: 'OEF-300' } });
    store.recordIntent('run-1', { stepKey: 'other', stepId: 'other', attempt: 1, data: {} });
    store.recordIntent('run-1', { stepKey: 'copy', stepId: 'copyFiles', attempt: 2, data: { retry: true } });
    const ok = store.recordResult('run-1', {
      stepKey: 'copy',
      attempt: 2,
      outcome: 'ok',
      output: { facts: { bytes: 10 } },
    });
    expect(store.latestAttempt('run-1', 'copy')).toMatchObject({
      attempt: 2,
      outcome: 'ok',
      resultSeq: ok.seq,
      output: { facts: { bytes: 10 } },
      intent: { retry: true },
    });
    expect(store.attempts('run-1').map((a) => [a.stepKey, a.attempt, a.outcome])).toEqual([
      ['copy', 1, 'error'],
      ['other', 1, null],
      ['copy', 2, 'ok'],
    ]);
  });

  it('journals reconciliation and decision kinds by outcome when results close attempts', () => {
    store.recordIntent('run-1', { stepKey: 'a', stepId: 'a', attempt: 1, data: {} });
    store.recordIntent('run-1', { stepKey: 'b', stepId: 'b', attempt: 1, data: {} });
    store.recordIntent('run-1', { stepKey: 'c', stepId: 'c', attempt: 1, data: {} });
    expect(
      store.recordResult('run-1', { stepKey: 'a', attempt: 1, outcome: 'reconciled-done', details: { probe: 8 } }).kind,
    ).toBe('reconciliation');
    expect(
      store.recordResult('run-1', {
        stepKey: 'b',
        attempt: 1,
        outcome: 'decided-not-done',
        details: { reason: 'checked by hand' },
      }).kind,
    ).toBe('decision');
    const c = store.recordResult('run-1', { stepKey: 'c', attempt: 1, outcome: 'error', error: { message: 'x' } });
    expect(c).toMatchObject({ kind: 'result', data: { outcome: 'error', error: { message: 'x' } } });
    expect(store.journal('run-1').find((r) => r.stepKey === 'b' && r.kind === 'decision')?.data).toEqual({
      outcome: 'decided-not-done',
      details: { reason: 'checked by hand' },
    });
  });

  it('refuses a result when the attempt has no intent or already ended', () => {
    expectOeflowError(() => store.recordResult('run-1', { stepKey: 'x', attempt: 1, outcome: 'ok' }), 'OEF-002');
    store.recordIntent('run-1', { stepKey: 'x', stepId: 'x', attempt: 1, data: {} });
    store.recordResult('run-1', { stepKey: 'x', attempt: 1, outcome: 'ok' });
    const seq = store.getRun('run-1')?.lastSeq;
    expectOeflowError(
      () => store.recordResult('run-1', { stepKey: 'x', attempt: 1, outcome: 'decided-done' }),
      'OEF-002',
    );
    expect(store.getRun('run-1')?.lastSeq).toBe(seq);
    expect(store.latestAttempt('run-1', 'x')?.outcome).toBe('ok');
  });

  it('refuses an intent when its attempt number does not increase', () => {
    store.recordIntent('run-1', { stepKey: 'x', stepId: 'x', attempt: 2, data: {} });
    expectOeflowError(
      () => store.recordIntent('run-1', { stepKey: 'x', stepId: 'x', attempt: 2, data: {} }),
      'OEF-002',
    );
    expectOeflowError(
      () => store.recordIntent('run-1', { stepKey: 'x', stepId: 'x', attempt: 1, data: {} }),
      'OEF-002',
    );
    expectOeflowError(
      () => store.recordIntent('run-1', { stepKey: 'y', stepId: 'y', attempt: 0, data: {} }),
      'OEF-002',
    );
    expect(store.attempts('run-1')).toHaveLength(1);
  });
});

describe('Store.recordCommand', () => {
  it('stores full output and journals only its digests when a command is recorded', () => {
    store.createRun(sampleRun);
    store.recordIntent('run-1', { stepKey: 'aiNew', stepId: 'aiNew', attempt: 1, data: {} });
    const c = {
      stepKey: 'aiNew',
      attempt: 1,
      argv: ['rfutil', '/db/sports', '-C', 'aimage', 'new'],
      exitCode: 0,
      signal: null,
      durationMs: 12.6,
      stdout: 'After-image extent a1 has been switched. (3778)\n',
      stderr: '',
      messages: [{ number: 3778, text: 'switched' }],
      startedAt: '2025-01-01T00:00:00.000Z',
    };
    store.recordCommand('run-1', c);
    store.recordCommand('run-1', { ...c, exitCode: 2, stdout: 'second' });
    const cmds = store.commands('run-1');
    expect(cmds.map((x) => [x.n, x.exitCode, x.stdout])).toEqual([
      [1, 0, c.stdout],
      [2, 2, 'second'],
    ]);
    expect(cmds[0]).toMatchObject({ argv: c.argv, durationMs: 13, messages: c.messages, signal: null });
    const row = store.journal('run-1').find((r) => r.seq === cmds[0]?.journalSeq);
    expect(row?.kind).toBe('command');
    expect(row?.data).toMatchObject({
      n: 1,
      argv: c.argv,
      exitCode: 0,
      stdoutSha256: sha256Hex(c.stdout),
      stderrSha256: sha256Hex(''),
    });
    expect(JSON.stringify(row?.data)).not.toContain('has been switched');
  });
});

describe('Store backups catalog', () => {
  const backup = {
    backupId: 'bk-1',
    db: '/db/sports',
    kind: 'offline' as const,
    destination: '/backup/1',
    manifestDigest: 'f'.repeat(64),
    pairedAiSeq: 12,
    dbIdentity: { aiBeginDate: 'Mon Jan 1' },
    startedAt: '2025-01-01T00:00:00.000Z',
    completedAt: '2025-01-01T00:05:00.000Z',
    runId: 'run-1',
    details: { files: 3 },
  };

  it('returns what was added and lists newest first per db when backups are catalogued', () => {
    store.addBackup(backup);
    store.addBackup({
      backupId: 'bk-2',
      db: '/db/sports',
      kind: 'online',
      destination: '/backup/2',
      pairedAiSeq: 13,
      startedAt: '2025-01-02T00:00:00.000Z',
    });
    store.addBackup({ ...backup, backupId: 'bk-3', db: '/db/other' });
    expect(store.getBackup('bk-1')).toEqual({ ...backup, expiredAt: null });
    expect(store.getBackup('bk-2')).toMatchObject({
      manifestDigest: null,
      completedAt: null,
      runId: null,
      dbIdentity: undefined,
    });
    expect(store.listBackups({ db: '/db/sports' }).map((b) => b.backupId)).toEqual(['bk-2', 'bk-1']);
    expect(store.listBackups()).toHaveLength(3);
    expect(store.getBackup('nope')).toBeUndefined();
  });

  it("keeps an expired backup's row but leaves it out of the listings when markBackupExpired is called", () => {
    store.addBackup(backup);
    store.addBackup({ ...backup, backupId: 'bk-2' });
    store.markBackupExpired('bk-1');
    expect(store.getBackup('bk-1')?.expiredAt).toEqual(expect.any(String));
    expect(store.listBackups().map((b) => b.backupId)).toEqual(['bk-2']);
    expect(store.listBackups({ db: backup.db }).map((b) => b.backupId)).toEqual(['bk-2']);
  });

  it('refuses a duplicate backup id when it is added twice', () => {
    store.addBackup(backup);
    expectOeflowError(() => store.addBackup(backup), 'OEF-002');
  });
});
