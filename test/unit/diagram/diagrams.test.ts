import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { machines } from '../../../machines/index.js';
import { toDot } from '../../../src/diagram/dot.js';
import { generateDiagrams } from '../../../src/diagram/generate.js';
import { toMermaid } from '../../../src/diagram/mermaid.js';
import { toSvg } from '../../../src/diagram/svg.js';

const committed = new URL('../../../diagrams/', import.meta.url);
const tmp = mkdtempSync(join(tmpdir(), 'oeflow-diagrams-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('generateDiagrams', () => {
  it('matches the committed diagrams/ when regenerated (refresh: npm run build && node dist/src/diagram/generate.js)', () => {
    const written = generateDiagrams(tmp).sort();
    expect(written).toHaveLength(9);
    expect(
      readdirSync(committed)
        .filter((f) => /\.(mmd|dot|svg)$/.test(f))
        .sort(),
    ).toEqual(written);
    for (const file of written) {
      const fresh = readFileSync(join(tmp, file), 'utf8');
      expect({ file, same: fresh === readFileSync(new URL(file, committed), 'utf8') }).toEqual({ file, same: true });
    }
  });

  it('starts every file with the "do not edit" header naming its machine file when written', () => {
    for (const file of readdirSync(tmp)) {
      const id = file.replace(/\.(mmd|dot|svg)$/, '');
      expect(readFileSync(join(tmp, file), 'utf8').split('\n')[0]).toContain(
        `generated from machines/${id}.ts — do not edit`,
      );
    }
  });
});

describe('diagram renderers', () => {
  const online = machines['online-backup'];
  const highlight = { visited: ['preflight', 'quietEnable', 'quiesced.copyFiles'], current: 'quiesced.copyFiles' };

  it('draws every state and the guarded transitions when rendering Mermaid', () => {
    const text = toMermaid(machines['roll-forward']);
    for (const state of [
      'aiSequence',
      'rollForward',
      'rollForwardRetry',
      'rollForwardHalted',
      'abortedDuringRollForward',
    ])
      expect(text).toContain(` as ${state}`);
    expect(text).toContain('repairStructure --> aiSequence : done [sequenceAllowed]');
    expect(text).toContain('rollForwardHalted --> rollForwardRetry : RETRY');
    expect(text).not.toContain('classDef');
  });

  it('marks visited states, their compound parent and the current state when a run is overlaid', () => {
    const mmd = toMermaid(online, { highlight });
    expect(mmd).toContain('class preflight,quietEnable,quiesced visited');
    expect(mmd).toContain('class quiesced_copyFiles current');
    const dot = toDot(online, { highlight });
    expect(dot).toMatch(/"quiesced_copyFiles" \[[^\]]*fillcolor="#ffe8b3"/);
    expect(dot).toMatch(/"preflight" \[[^\]]*fillcolor="#d8f0dc"/);
    expect(dot).not.toMatch(/"verifyCopy" \[[^\]]*fillcolor/);
    const svg = toSvg(online, { highlight });
    expect(svg.match(/<rect data-state="[^"]*"[^>]*fill="#ffe8b3"/g)).toHaveLength(1);
    expect(svg).toContain('where the run rests'); // a run's chart carries a legend of its fills
    expect(toSvg(online)).not.toContain('#ffe8b3');
  });

  it("draws the failed step as failed and the run's events as lettered markers, with a legend", () => {
    const overlay = {
      visited: ['preflight', 'quietEnable', 'quiesced.copyFiles', 'quietDisableAfterFailure', 'failed'],
      current: 'failed',
      failed: 'quiesced.copyFiles',
      markers: [
        { state: 'quiesced.copyFiles', kind: 'crash' as const, text: 'died' },
        { state: 'quiesced.copyFiles', kind: 'resume' as const, text: 'resumed' },
      ],
    };
    const svg = toSvg(online, { highlight: overlay });
    expect(svg).toMatch(/<rect data-state="quiesced\.copyFiles"[^>]*fill="#fde2e2" stroke="#c62828"/);
    expect(svg).toContain('data-failed="quiesced.copyFiles"');
    expect(svg).toContain('<g data-marker="crash" data-marker-state="quiesced.copyFiles"><title>died</title>');
    expect(svg).toContain('<g data-marker="resume" data-marker-state="quiesced.copyFiles"><title>resumed</title>');
    for (const text of ['step that failed the run', 'crash (process died here)', 'resumed here'])
      expect(svg).toContain(text);
    expect(toMermaid(online, { highlight: overlay })).toContain('class quiesced_copyFiles failed');
    expect(toDot(online, { highlight: overlay })).toMatch(
      /"quiesced_copyFiles" \[label="copyFiles\nONLINE-\d\n\[C R\]"[^\]]*fillcolor="#fde2e2"/,
    );
  });

  it('draws the quiesced state as a DOT cluster when a state is compound', () => {
    const dot = toDot(online);
    expect(dot).toContain('subgraph "cluster_quiesced"');
    expect(dot).toContain('ltail="cluster_quiesced"');
  });

  it('lays every state out in a separate box when rendering SVG', () => {
    const svg = toSvg(machines['offline-backup']);
    const boxes = [...svg.matchAll(/<rect data-state="[^"]+" x="(\d+)" y="(\d+)" width="210"/g)].map(
      (m) => `${m[1]},${m[2]}`,
    );
    // 17 states and the awaiting-decision states of shutdown, aiSwitch and the three restarts
    expect(boxes).toHaveLength(22);
    expect(new Set(boxes).size).toBe(22);
  });
});
