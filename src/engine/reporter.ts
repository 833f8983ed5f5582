// Progress events the engine emits; the CLI renders them (the engine never prints).
import type { StepFailure } from '../../machines/contract.js';

export type EngineEvent =
  | { type: 'run'; runId: string; machineId: string; db: string; resumed: boolean }
  | { type: 'state'; runId: string; state: string; event: string }
  | { type: 'step-start'; runId: string; stepKey: string; stepId: string; title: string; kb: string; attempt: number }
  | { type: 'step-progress'; runId: string; stepKey: string; message?: string; bytesDone?: number; bytesTotal?: number }
  | { type: 'step-end'; runId: string; stepKey: string; outcome: 'ok' | 'error' | 'reconciled' | 'memo'; failure?: StepFailure; durationMs: number }
  | { type: 'reconcile'; runId: string; stepKey: string; verdict: string; why?: string }
  | { type: 'notice'; runId: string; message: string };

export type Reporter = (event: EngineEvent) => void;

export const silentReporter: Reporter = () => undefined;
