// Worker bundles for the tail bench's A/B runs: the tree as it is ("fix on"), or a copy of it
// with the low-rate-tail fixes switched off by exact text patches ("fix off"), so the two
// differ in exactly those lines and run back to back on the same machine load. Patches, not
// the files as an older commit had them: other engineers change the same files meanwhile
// (lease.ts carries affinity hooks the rest of the tree calls). A patch that no longer
// matches stops the bench. The copy lives in a temporary folder; the repository is only read.
import fs from 'node:fs';
import path from 'node:path';
import { bundleWorker, ROOT } from '../../scripts/stack';

export interface TextPatch {
  file: string;
  from: string;
  to: string;
}

/** Each fix of docs/perf-notes-tail.md, undone. */
export const TAIL_FIXES_OFF: TextPatch[] = [
  // A chain never hands over: it runs out after MAX_TICKS and closes every lease not in flight.
  { file: 'worker/accounts/lease.ts', from: 'export const HANDOVER_AFTER_MS = 5 * REPORT_EVERY_MS;', to: 'export const HANDOVER_AFTER_MS = Number.POSITIVE_INFINITY;' },
  // The request that finds the scores due awaits the D1 read.
  { file: 'worker/scores/score-store.ts', from: '    if (cold) return read;', to: '    return read;' },
  // The request that finds the catalog due awaits the reload.
  { file: 'worker/catalog/catalog.ts', from: '    if (current === null) return loading;', to: '    return loading;' },
  // A flush ships until the buffer is empty, however many records arrive meanwhile.
  { file: 'worker/logs/shipper.ts', from: '    let owed = this.#buffer.length;', to: '    let owed = Number.POSITIVE_INFINITY;' },
];

/** The worker as it is in the working tree. */
export async function bundleCurrent(outDir: string): Promise<string> {
  return bundle(path.join(ROOT, 'worker/index.ts'), outDir);
}

/** The worker with `patches` applied to a copy of the tree. */
export async function bundlePatched(outDir: string, patches: TextPatch[]): Promise<string> {
  const copy = path.join(outDir, 'tree');
  fs.rmSync(copy, { recursive: true, force: true });
  fs.cpSync(path.join(ROOT, 'worker'), path.join(copy, 'worker'), { recursive: true });
  for (const patch of patches) {
    const file = path.join(copy, patch.file);
    const text = fs.readFileSync(file, 'utf8');
    if (text.split(patch.from).length !== 2) throw new Error(`${patch.file}: the line to patch is not there exactly once: ${patch.from}`);
    fs.writeFileSync(file, text.replace(patch.from, patch.to));
  }
  return bundle(path.join(copy, 'worker/index.ts'), outDir);
}

async function bundle(entry: string, outDir: string): Promise<string> {
  // The repository's node_modules too, for a copy of the tree outside it.
  return bundleWorker(outDir, { entryPoints: [entry], nodePaths: [path.join(ROOT, 'node_modules')] });
}
