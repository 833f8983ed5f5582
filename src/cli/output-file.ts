// Files a command writes on request (--diagram, --html): an unwritable path is the
// operator's to fix, reported as OEF-003 with the path and the OS error, never as a crash.
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { OeflowError } from '../errors.js';

/** Write `content` to the file an option named; OEF-003 when the OS refuses. */
export async function writeOutputFile(option: string, file: string, content: string): Promise<void> {
  const path = resolve(file);
  try {
    await writeFile(path, content);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    const text = cause instanceof Error ? cause.message : String(cause);
    // "ENOENT: no such file or directory, open '<path>'" → "no such file or directory (ENOENT)"
    const reason = code ? `${text.replace(`${code}: `, '').replace(/, \w+ '.*'$/, '')} (${code})` : text;
    throw new OeflowError('OEF-003', `cannot write the ${option} file ${path}: ${reason}`, {
      cause,
      details: { option, path, ...(code ? { osError: code } : {}) },
    });
  }
}
