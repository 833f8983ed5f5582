// Mermaid stateDiagram-v2 text of a machine, optionally with a run's path overlaid.
import type { AnyStateMachine } from 'xstate';
import {
  MARKER_STYLE,
  diagramModel,
  visitedNames,
  type DiagramModel,
  type DiagramNode,
  type Highlight,
} from './model.js';

const quote = (text: string): string => text.replace(/"/g, "'");

function declare(model: DiagramModel, node: DiagramNode, indent: string): string[] {
  if (node.kind !== 'compound') return [`${indent}state "${quote(`${node.key} · ${node.kb}`)}" as ${node.id}`];
  const children = model.nodes.filter((n) => n.parent === node.name);
  const initial = model.nodes.find((n) => n.name === node.initial);
  return [
    `${indent}state "${quote(`${node.key} · ${node.kb}`)}" as ${node.id} {`,
    ...(initial ? [`${indent}  [*] --> ${initial.id}`] : []),
    ...children.flatMap((c) => declare(model, c, `${indent}  `)),
    `${indent}}`,
  ];
}

/** Mermaid stateDiagram-v2 of the machine; `highlight` adds visited/current classes. */
export function toMermaid(machine: AnyStateMachine, options: { highlight?: Highlight } = {}): string {
  const model = diagramModel(machine);
  const byName = new Map(model.nodes.map((n) => [n.name, n]));
  const id = (name: string): string => byName.get(name)?.id ?? name;
  const lines = ['stateDiagram-v2'];
  for (const node of model.nodes.filter((n) => n.parent === null)) lines.push(...declare(model, node, '  '));
  lines.push(`  [*] --> ${id(model.initial)}`);
  for (const e of model.edges) lines.push(`  ${id(e.from)} --> ${id(e.to)} : ${e.label.replace(/:/g, ' ')}`);
  for (const n of model.nodes.filter((x) => x.kind === 'final')) lines.push(`  ${n.id} --> [*]`);
  const { highlight } = options;
  if (highlight) {
    const visited = [...visitedNames(highlight)].filter(
      (n) => byName.has(n) && n !== highlight.current && n !== highlight.failed,
    );
    lines.push(
      '  classDef visited fill:#d8f0dc,stroke:#2e7d32',
      '  classDef current fill:#ffe8b3,stroke:#e65100,stroke-width:3px',
      '  classDef failed fill:#fde2e2,stroke:#c62828,stroke-width:3px',
    );
    if (visited.length > 0) lines.push(`  class ${visited.map(id).join(',')} visited`);
    if (highlight.current !== undefined && byName.has(highlight.current))
      lines.push(`  class ${id(highlight.current)} current`);
    if (highlight.failed !== undefined && byName.has(highlight.failed))
      lines.push(`  class ${id(highlight.failed)} failed`);
    for (const m of highlight.markers ?? [])
      if (byName.has(m.state)) lines.push(`  note right of ${id(m.state)} : ${MARKER_STYLE[m.kind].legend.slice(2)}`);
  }
  return `${lines.join('\n')}\n`;
}
