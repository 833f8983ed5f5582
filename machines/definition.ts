// A canonical, JSON-safe description of a machine's definition (states, transitions,
// guard and action names, invoke ids/srcs, meta) — what machineHash hashes and what
// the audit can store. Descriptions and implementations are left out on purpose: a
// reworded description must not refuse a resume; a changed transition must.
import type { AnyStateMachine, AnyStateNode } from 'xstate';
import type { Json } from './contract.js';

type JsonObject = { [key: string]: Json };

/** Name of a guard reference; and()/not() keep their structure. */
function describeGuard(guard: unknown): Json {
  if (guard === undefined) return null;
  if (typeof guard === 'string') return guard;
  if (typeof guard === 'function') {
    const inner = (guard as { guards?: unknown[] }).guards;
    if (Array.isArray(inner)) return { [guard.name]: inner.map(describeGuard) };
    return `inline:${guard.name}`;
  }
  if (guard !== null && typeof guard === 'object' && 'type' in guard) return String(guard.type);
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- any other guard value is written as is (the hash must stay stable)
  return String(guard);
}

/** Name of an action reference (named actions by type, inline ones by their builtin type). */
function describeAction(action: unknown): string {
  if (typeof action === 'string') return action;
  if (action !== null && (typeof action === 'object' || typeof action === 'function') && 'type' in action) {
    return String(action.type);
  }
  return typeof action === 'function' ? `inline:${action.name}` : String(action);
}

function sortedKeys<T>(record: Record<string, T>): string[] {
  return Object.keys(record).sort();
}

function describeNode(node: AnyStateNode): JsonObject {
  const on: JsonObject = {};
  for (const eventType of [...node.transitions.keys()].sort()) {
    on[eventType] = (node.transitions.get(eventType) ?? []).map((t) => ({
      target: (t.target ?? []).map((n: AnyStateNode) => `#${n.id}`),
      guard: describeGuard(t.guard),
      actions: t.actions.map(describeAction),
      reenter: t.reenter,
    }));
  }
  const states: JsonObject = {};
  for (const key of sortedKeys(node.states)) states[key] = describeNode(node.states[key]!);
  return {
    id: node.id,
    type: node.type,
    initial: node.initial ? node.initial.target.map((n: AnyStateNode) => `#${n.id}`) : null,
    meta: (node.meta ?? null) as Json,
    entry: node.entry.map(describeAction),
    exit: node.exit.map(describeAction),
    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- src is the actor's name ('step') in every machine
    invoke: node.invoke.map((i) => ({ id: i.id, src: String(i.src) })),
    always: (node.always ?? []).map((t) => ({
      target: (t.target ?? []).map((n: AnyStateNode) => `#${n.id}`),
      guard: describeGuard(t.guard),
    })),
    on,
    states,
  };
}

/** JSON with object keys sorted at every level, so equal definitions give equal text. */
export function canonicalJson(value: Json): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k]!)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The canonical description of a machine definition. */
export function describeMachine(machine: AnyStateMachine): JsonObject {
  return describeNode(machine.root);
}
