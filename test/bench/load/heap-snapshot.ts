// A V8 heap snapshot (the DevTools .heapsnapshot JSON) summed per constructor: self size of
// every object by its constructor name, and of every other node by its type ("(closure)",
// "(string)", "(code)"...). Enough to see what grows with the number of held streams.

export type HeapCounts = Record<string, number>;

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

export function heapByConstructor(snapshot: Snapshot): HeapCounts {
  const fields = snapshot.snapshot.meta.node_fields;
  const types = snapshot.snapshot.meta.node_types[0];
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const counts: HeapCounts = {};
  for (let offset = 0; offset < snapshot.nodes.length; offset += width) {
    const type = types[snapshot.nodes[offset + typeAt]!]!;
    const key = type === 'object' || type === 'closure' ? `${type === 'closure' ? 'closure ' : ''}${snapshot.strings[snapshot.nodes[offset + nameAt]!]}` : `(${type})`;
    counts[key] = (counts[key] ?? 0) + snapshot.nodes[offset + sizeAt]!;
  }
  return counts;
}
