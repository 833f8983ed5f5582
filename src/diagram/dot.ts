// Graphviz DOT text of a machine (compound states as clusters), optionally with a
// run's path overlaid.
import type { AnyStateMachine } from 'xstate';
import {
  MARKER_STYLE,
  diagramModel,
  visitedNames,
  type DiagramModel,
  type DiagramNode,
  type Highlight,
} from './model.js';

const q = (text: string): string => `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

function nodeAttrs(node: DiagramNode, visited: Set<string>, highlight: Highlight | undefined): string {
  const current = highlight?.current;
  const marks = (highlight?.markers ?? []).filter((m) => m.state === node.name).map((m) => MARKER_STYLE[m.kind].letter);
  const attrs = [`label=${q(`${node.key}\n${node.kb}${marks.length ? `\n[${[...new Set(marks)].join(' ')}]` : ''}`)}`];
  if (node.kind === 'final') attrs.push('peripheries=2');
  if (node.status !== null) attrs.push('style="rounded,dashed"');
  if (node.name === highlight?.failed)
    attrs.push('style="rounded,filled,bold"', 'fillcolor="#fde2e2"', 'color="#c62828"', 'penwidth=3');
  else if (node.name === current)
    attrs.push('style="rounded,filled,bold"', 'fillcolor="#ffe8b3"', 'color="#e65100"', 'penwidth=3');
  else if (visited.has(node.name)) attrs.push('style="rounded,filled"', 'fillcolor="#d8f0dc"', 'color="#2e7d32"');
  return attrs.join(', ');
}

/** A leaf to anchor edges of a cluster on (DOT edges join nodes, not clusters). */
function anchorOf(model: DiagramModel, node: DiagramNode): DiagramNode {
  if (node.kind !== 'compound') return node;
  const child = model.nodes.find((n) => n.name === node.initial) ?? model.nodes.find((n) => n.parent === node.name);
  return child ? anchorOf(model, child) : node;
}

/** DOT digraph of the machine; `highlight` fills visited states and outlines the current one. */
export function toDot(machine: AnyStateMachine, options: { highlight?: Highlight } = {}): string {
  const model = diagramModel(machine);
  const byName = new Map(model.nodes.map((n) => [n.name, n]));
  const visited = visitedNames(options.highlight);
  const lines = [
    `digraph ${q(model.machineId)} {`,
    '  compound=true;',
    '  rankdir=TB;',
    '  node [shape=box, style=rounded, fontname="Helvetica", fontsize=11];',
    '  edge [fontname="Helvetica", fontsize=9];',
    '  __start [shape=point, label=""];',
  ];
  const emit = (node: DiagramNode, indent: string): void => {
    if (node.kind !== 'compound') {
      lines.push(`${indent}${q(node.id)} [${nodeAttrs(node, visited, options.highlight)}];`);
      return;
    }
    const style = visited.has(node.name) ? ', style="rounded,filled", fillcolor="#eef8f0"' : ', style=rounded';
    lines.push(
      `${indent}subgraph ${q(`cluster_${node.id}`)} {`,
      `${indent}  label=${q(`${node.key}\n${node.kb}`)}${style};`,
    );
    for (const child of model.nodes.filter((n) => n.parent === node.name)) emit(child, `${indent}  `);
    lines.push(`${indent}}`);
  };
  for (const node of model.nodes.filter((n) => n.parent === null)) emit(node, '  ');
  lines.push(`  __start -> ${q(anchorOf(model, byName.get(model.initial)!).id)};`);
  for (const e of model.edges) {
    const from = byName.get(e.from)!;
    const to = byName.get(e.to)!;
    const extra = [
      ...(from.kind === 'compound' ? [`ltail=${q(`cluster_${from.id}`)}`] : []),
      ...(to.kind === 'compound' ? [`lhead=${q(`cluster_${to.id}`)}`] : []),
    ];
    lines.push(
      `  ${q(anchorOf(model, from).id)} -> ${q(anchorOf(model, to).id)} [${[`label=${q(e.label)}`, ...extra].join(', ')}];`,
    );
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
