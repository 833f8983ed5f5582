// The `notify` hook: a site command run when a run completes, fails, needs a decision or is
// aborted, and when a new run is refused because of an open one. It gets the result as JSON on
// stdin and OEFLOW_* variables; its exit code and output are journaled on the run. It is never
// fatal: a broken hook must not turn a good backup into a failed one (docs/operations.md).
import type { Store } from '../store/index.js';

export type NotifyEvent = 'completed' | 'failed' | 'needs-decision' | 'aborted' | 'open-run';

export interface NotifyPayload {
  event: NotifyEvent;
  runId?: string;
  db?: string;
  status?: string;
  backupId?: string;
  error?: { code: string; message: string; hint: string } | undefined;
  [more: string]: unknown;
}

export interface NotifyRecord {
  command: string;
  event: NotifyEvent;
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  output: string;
}

const NOTIFY_TIMEOUT_MS = 60_000;
const KEEP_OUTPUT = 4096;

/** The event for a settled run's status. */
export function eventFor(status: string): NotifyEvent | undefined {
  return status === 'completed' || status === 'failed' || status === 'needs-decision' || status === 'aborted'
    ? status
    : undefined;
}

/** Run the hook (if configured) and journal what it did on `journalRunId`'s run; never throws. */
export async function notify(
  command: string | undefined,
  payload: NotifyPayload,
  store?: Store,
  journalRunId?: string,
): Promise<NotifyRecord | undefined> {
  if (!command) return undefined;
  let record: NotifyRecord;
  try {
    // execa is loaded only when a hook is configured: ~150 modules every backup and restore paid
    // (bench/HISTORY.md "What the window holds now")
    const { execa } = await import('execa');
    const r = await execa('sh', ['-c', command], {
      input: `${JSON.stringify(payload, null, 2)}\n`,
      reject: false,
      all: true,
      timeout: NOTIFY_TIMEOUT_MS,
      env: {
        OEFLOW_EVENT: payload.event,
        OEFLOW_RUN_ID: payload.runId ?? '',
        OEFLOW_DB: payload.db ?? '',
        OEFLOW_STATUS: payload.status ?? payload.event,
        OEFLOW_BACKUP_ID: payload.backupId ?? '',
        OEFLOW_ERROR_CODE: payload.error?.code ?? '',
        OEFLOW_ERROR: payload.error?.message ?? (typeof payload['failure'] === 'string' ? payload['failure'] : ''),
      },
    });
    const output = typeof r.all === 'string' ? r.all : '';
    record = {
      command,
      event: payload.event,
      exitCode: r.exitCode ?? null,
      signal: r.signal ?? null,
      timedOut: r.timedOut,
      output: output.slice(-KEEP_OUTPUT),
    };
  } catch (err) {
    record = {
      command,
      event: payload.event,
      exitCode: null,
      signal: null,
      timedOut: false,
      output: err instanceof Error ? err.message : String(err),
    };
  }
  if (store && journalRunId && store.getRun(journalRunId)) {
    try {
      store.appendJournal(journalRunId, { kind: 'note', data: { notify: record } });
    } catch {
      /* journaling the hook is best effort too */
    }
  }
  return record;
}
