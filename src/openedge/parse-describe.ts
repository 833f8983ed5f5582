// Parser for `proutil <db> -C describe` (docs/openedge.md §3 layout). Reads `Label : value` lines
// per section and the Database Features table; an absent or blank AI section = AI off.
import { OeflowError } from '../errors.js';
import type { DbDescription } from './types.js';

const FIELD = /^\s*([A-Za-z][^:]*?)\s+:\s?(.*?)\s*$/;
const SECTION =
  /^\s*(Before Imaging information|After Imaging Information|Backup Information|Database Features|[A-Z][A-Za-z ]*Information)\s*$/i;
const FEATURE_ROW = /^\s*(\d+)\s+(.+?)\s{2,}(Yes|No)\b\s*(.*?)\s*$/i;
const AI_SECTION = 'After Imaging Information';

interface Feature {
  id: number;
  name: string;
  active: boolean;
  details: string;
}

/** The database description the engine uses; `raw` keys are `Label` or `Section / Label`. */
export function parseDescribe(stdout: string): DbDescription {
  const raw: Record<string, string> = {};
  const features: Feature[] = [];
  let section = '';
  for (const line of stdout.split(/\r?\n/)) {
    const s = SECTION.exec(line);
    if (s && !line.includes(':')) {
      section = canonicalSection(s[1] ?? '');
      continue;
    }
    if (section === 'Database Features') {
      const f = FEATURE_ROW.exec(line);
      if (f)
        features.push({ id: Number(f[1]), name: f[2] ?? '', active: /yes/i.test(f[3] ?? ''), details: f[4] ?? '' });
      continue;
    }
    const m = FIELD.exec(line);
    if (m) raw[section === '' ? (m[1] ?? '') : `${section} / ${m[1] ?? ''}`] = m[2] ?? '';
  }
  const databaseName = raw['Database Name'];
  if (databaseName === undefined) {
    throw new OeflowError('OEF-013', 'proutil -C describe: no "Database Name" line.', { details: { stdout } });
  }
  const ai = (label: string): string | null => dated(raw[`${AI_SECTION} / ${label}`]);
  const aiBeginDate = ai('Begin Date');
  const fileNumber = raw[`${AI_SECTION} / Current File Number`];
  return {
    databaseName,
    aiEnabled: aiBeginDate !== null,
    aiBeginDate,
    lastAimageNew: ai('Last AIMAGE NEW'),
    currentAiFileNumber: fileNumber !== undefined && /^\d+$/.test(fileNumber) ? Number(fileNumber) : null,
    lastFullBackupDate: dated(raw['Backup Information / Last Full Backup Date']),
    replication: replicationRole(features, stdout),
    aiArchiver: features.some((f) => f.active && (f.id === 7 || /archiv|AI File Management/i.test(f.name))),
    raw,
  };
}

function canonicalSection(name: string): string {
  return /^after imaging/i.test(name)
    ? AI_SECTION
    : /^database features/i.test(name)
      ? 'Database Features'
      : name.trim();
}

// A value counts as a date only when it carries digits: `*** Not yet performed ***`,
// blanks and N/A mean "never".
function dated(v: string | undefined): string | null {
  return v !== undefined && /\d/.test(v) ? v.replace(/\s+/g, ' ') : null;
}

// Replication is feature 1 ("OpenEdge Replication"); the role is in Details. An active
// row whose role cannot be read is refused rather than guessed (RF-3 depends on it).
function replicationRole(features: readonly Feature[], stdout: string): 'source' | 'target' | null {
  const row = features.find((f) => f.active && (f.id === 1 || /replication/i.test(f.name)));
  if (!row) return null;
  if (/source/i.test(row.details)) return 'source';
  if (/target/i.test(row.details)) return 'target';
  throw new OeflowError(
    'OEF-013',
    `proutil -C describe: replication is active but its role is not shown ("${row.details}").`,
    {
      details: { stdout },
    },
  );
}
