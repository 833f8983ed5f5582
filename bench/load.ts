// The machine's load average as every benchmark prints it beside its figures ("1.23 0.98 0.75"):
// ratios measured under load say less, and the reader needs to see how much.
import { loadavg } from 'node:os';

export const loadAverage = (): string =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
