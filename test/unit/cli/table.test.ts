import { describe, expect, it } from 'vitest';
import { table } from '../../../src/cli/table.js';

describe('table', () => {
  it('aligns every column under its header and leaves no trailing blanks', () => {
    const text = table(
      ['RUN', 'STATUS', 'DATABASE'],
      [
        ['run-1', 'completed', '/db/sports'],
        ['run-22', 'failed', '/db/x'],
      ],
    );
    expect(text.split('\n')).toEqual([
      'RUN     STATUS     DATABASE',
      'run-1   completed  /db/sports',
      'run-22  failed     /db/x',
    ]);
  });
});
