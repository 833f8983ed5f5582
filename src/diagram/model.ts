// A flat, renderer-neutral view of a machine (states, parents, edges with readable
// labels), taken from xstate/graph's toDirectedGraph; Mermaid, DOT and SVG share it.
import type { AnyStateMachine, AnyStateNode } from 'xstate';
import { toDirectedGraph, type DirectedGraphEdge, type DirectedGraphNode } from 'xstate/graph';
import { stateMetaOf } from '../../machines/state-meta.js';

export interface DiagramNode {
  /** Dotted state path as the engine names states, e.g. `quiesced.copyFiles`. */
  name: string;
  /** Identifier safe in Mermaid and DOT (`quiesced_copyFiles`). */
  id: string;
  key: string;
  kind: 'atomic' | 'compound' | 'final';
  parent: string | null;
  kb: string;
  status: string | null;
  /** Name of the initial child (compound states only). */
  initial: string | null;
}

export interface DiagramEdge {
  from: string;
  to: string;
  label: string;
}

export interface DiagramModel {
  machineId: string;
  initial: string;
  nodes: DiagramNode[];
  edges: DiagramEdge[];
}

/** Something that happened to a run in a state, drawn as a lettered marker on that state. */
export interface StateMarker {
  state: string;
  kind: 'crash' | 'resume' | 'lock-takeover' | 'decision';
  /** Tooltip text (when and what). */
  text: string;
}

/** Overlay of a run's path: states visited so far, the one it rests in, the step that failed and its events. */
export interface Highlight {
  visited: string[];
  current?: string;
  /** The step state whose error failed the run: drawn as failed, never as a visited success. */
  failed?: string;
  markers?: StateMarker[];
}

/** Letter, colour and legend text of each marker kind (every renderer uses the same). */
export const MARKER_STYLE: Record<StateMarker['kind'], { letter: string; colour: string; legend: string }> = {
  crash: { letter: 'C', colour: '#b71c1c', legend: 'C crash (process died here)' },
  resume: { letter: 'R', colour: '#1565c0', legend: 'R resumed here' },
  'lock-takeover': { letter: 'L', colour: '#6d4c41', legend: 'L lock taken over' },
  decision: { letter: 'D', colour: '#8e24aa', legend: 'D operator decision' },
};

const nameOf = (node: AnyStateNode): string => node.path.join('.');

/** Guard as written in the machine: a name, or not(...)/and(...) of names. */
export function guardLabel(guard: unknown): string | null {
  if (guard === undefined || guard === null) return null;
  if (typeof guard === 'string') return guard;
  if (typeof guard === 'function') {
    const inner = (guard as { guards?: unknown[] }).guards;
    return Array.isArray(inner) ? `${guard.name}(${inner.map(guardLabel).join(', ')})` : guard.name || 'inline';
  }
  if (typeof guard === 'object' && 'type' in guard) return String(guard.type);
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- any other guard value is written as is
  return String(guard);
}

/** Step done/error events read as `done`/`error`; engine events keep their names. */
export function eventLabel(eventType: string): string {
  if (eventType.startsWith('xstate.done.actor.')) return 'done';
  if (eventType.startsWith('xstate.error.actor.')) return 'error';
  return eventType;
}

function edgeOf(edge: DirectedGraphEdge): DiagramEdge {
  const guard = guardLabel(edge.transition.guard);
  const event = eventLabel(edge.label.text);
  return { from: nameOf(edge.source), to: nameOf(edge.target), label: guard === null ? event : `${event} [${guard}]` };
}

/** Flatten a machine into nodes (document order) and edges (transition order). */
export function diagramModel(machine: AnyStateMachine): DiagramModel {
  const nodes: DiagramNode[] = [];
  const edges: DiagramEdge[] = [];
  const visit = (g: DirectedGraphNode, parent: string | null): void => {
    const sn = g.stateNode;
    const name = nameOf(sn);
    const meta = stateMetaOf(sn);
    nodes.push({
      name,
      id: sn.path.join('_'),
      key: sn.key,
      kind: sn.type === 'final' ? 'final' : g.children.length > 0 ? 'compound' : 'atomic',
      parent,
      kb: meta.kb ?? '',
      status: meta.status ?? null,
      initial: g.children.length > 0 && sn.initial ? nameOf(sn.initial.target[0]!) : null,
    });
    edges.push(...g.edges.filter((e) => e.target !== undefined).map(edgeOf));
    for (const child of g.children) visit(child, name);
  };
  const root = toDirectedGraph(machine);
  for (const child of root.children) visit(child, null);
  const initial = machine.root.initial?.target[0];
  if (initial === undefined) throw new Error(`machine ${machine.id} has no initial state`);
  return { machineId: machine.id, initial: nameOf(initial), nodes, edges };
}

/** Names to mark visited: the states themselves and their compound ancestors. */
export function visitedNames(highlight: Highlight | undefined): Set<string> {
  const out = new Set<string>();
  for (const name of highlight?.visited ?? []) {
    const parts = name.split('.');
    for (let i = 1; i <= parts.length; i++) out.add(parts.slice(0, i).join('.'));
  }
  return out;
}
