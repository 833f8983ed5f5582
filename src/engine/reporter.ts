// Progress events the engine emits; the CLI renders them (the engine never prints).
import type { StepFailure } from '../steps/step.js';

export type EngineEvent =
  | { type: 'run'; runId: string; machineId: string; db: string; resumed: boolean }
  | { type: 'state'; runId: string; state: string; event: string }
  | { type: 'step-start'; runId: string; stepKey: string; stepId: string; title: string; kb: string; attempt: number }
  | { type: 'step-progress'; runId: string; stepKey: string; message?: string; bytesDone?: number; bytesTotal?: number }
  // title/kb: the step in plain words and its article id; skipped: why a step that had nothing to do did nothing
  | {
      type: 'step-end';
      runId: string;
      stepKey: string;
      title: string;
      kb: string;
      outcome: 'ok' | 'error' | 'reconciled' | 'memo';
      failure?: StepFailure;
      durationMs: number;
      skipped?: string;
    }
  | { type: 'reconcile'; runId: string; stepKey: string; title: string; kb: string; verdict: string; why?: string }
  | {
      type: 'command';
      runId: string;
      stepKey: string;
      argv: string[];
      exitCode: number | null;
      signal: string | null;
      durationMs: number;
    }
  | { type: 'notice'; runId: string; message: string };

export type Reporter = (event: EngineEvent) => void;

export const silentReporter: Reporter = () => undefined;
