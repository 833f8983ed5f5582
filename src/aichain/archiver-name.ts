// Recognises AI archiver file names (docs/openedge.md §7):
// `<dir>~<db>.<YYYYMMDD>.<HHMMSS>.<backupSeq>.<aiSeq>.<extentName>`; 10.1C02+ drops backupSeq.
// Only a hint: the header read by `aimage scan` is authoritative.

export interface ArchiverName {
  db: string;
  startDate: string;
  startTime: string;
  backupSeq: number | null;
  aiSeq: number;
  extentName: string;
}

const NAME = /^(?:.*~)?([^~]+?)\.(\d{8})\.(\d{6})\.(?:(\d{5})\.)?(\d{8})\.(.+)$/;

/** The parts of an archiver file name, or null when `basename` is not one. */
export function parseArchiverName(basename: string): ArchiverName | null {
  const m = NAME.exec(basename);
  if (!m) return null;
  return {
    db: m[1] ?? '',
    startDate: m[2] ?? '',
    startTime: m[3] ?? '',
    backupSeq: m[4] === undefined ? null : Number(m[4]),
    aiSeq: Number(m[5]),
    extentName: m[6] ?? '',
  };
}
