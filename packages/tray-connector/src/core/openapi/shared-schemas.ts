/** A dereferenced OpenAPI schema (as schema-to-typescript.ts's Schema; not imported from there: no import circle). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Schema = Record<string, any>;

/**
 * The schemas a walk from `root` meets more than once outside any cycle: a shared `$ref` or a
 * YAML alias (one object, reached from several places). Each can be written once, as a named
 * type, instead of being expanded again wherever it is used; its type does not depend on where
 * it is met, because no cycle runs through it. One pass over the reachable schemas (iterative
 * Tarjan), each one counted by `visit`.
 */
export function sharedSchemas(root: Schema, visit: () => void): Set<object> {
  // A dereferenced spec does not change: each root is searched once per process (many operations share their schemas).
  let shared = searched.get(root);
  if (!shared) {
    shared = search(root, visit);
    searched.set(root, shared);
  }
  return shared;
}

const searched = new WeakMap<object, Set<object>>();

function search(root: Schema, visit: () => void): Set<object> {
  const index = new Map<object, number>();
  const low = new Map<object, number>();
  const onStack = new Set<object>();
  const stack: object[] = [];
  const cyclic = new Set<object>();
  const uses = new Map<object, number>([[root, 1]]);
  type Frame = { node: object; next: Schema[]; i: number };
  const open = (node: object): Frame => {
    visit();
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    onStack.add(node);
    return { node, next: children(node as Schema), i: 0 };
  };
  const frames: Frame[] = [open(root)];
  while (frames.length) {
    const frame = frames[frames.length - 1];
    if (frame.i < frame.next.length) {
      const child = frame.next[frame.i++];
      uses.set(child, (uses.get(child) ?? 0) + 1);
      if (child === frame.node) cyclic.add(child);
      if (!index.has(child)) frames.push(open(child));
      else if (onStack.has(child)) low.set(frame.node, Math.min(low.get(frame.node)!, index.get(child)!));
      continue;
    }
    frames.pop();
    const parent = frames[frames.length - 1];
    if (parent) low.set(parent.node, Math.min(low.get(parent.node)!, low.get(frame.node)!));
    if (low.get(frame.node) === index.get(frame.node)) {
      const component: object[] = [];
      let node: object;
      do {
        node = stack.pop()!;
        onStack.delete(node);
        component.push(node);
      } while (node !== frame.node);
      if (component.length > 1) for (const n of component) cyclic.add(n);
    }
  }
  return new Set([...uses].filter(([node, count]) => count > 1 && !cyclic.has(node)).map(([node]) => node));
}

/** Every schema the type walk may go into from `schema` (a superset: more edges only means fewer shared). */
function children(schema: Schema): Schema[] {
  const out: Schema[] = [];
  const add = (value: unknown) => {
    if (Array.isArray(value)) value.forEach(add);
    else if (value && typeof value === 'object') out.push(value as Schema);
  };
  for (const key of ['allOf', 'oneOf', 'anyOf']) if (Array.isArray(schema[key])) schema[key].forEach(add);
  add(schema.items);
  if (schema.properties && typeof schema.properties === 'object') Object.values(schema.properties).forEach(add);
  add(schema.additionalProperties);
  return out;
}
