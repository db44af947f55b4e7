// The worker bundled as scripts/stack.ts bundles it (esbuild, workerd conditions), optionally
// with some source files swapped for other versions: an A/B of a change in one run, without
// touching the working tree (frame-cost.ts's `base` variant).
import fs from 'node:fs';
import path from 'node:path';
import type { Plugin } from 'esbuild';
import { bundleWorker, ROOT } from '../../../scripts/stack';

/** Bundle worker/index.ts into outDir/index.js with `overrides` (absolute source path → replacement file) swapped in. */
export async function bundleVariant(outDir: string, overrides: Map<string, string> = new Map()): Promise<string> {
  const swap: Plugin = {
    name: 'swap',
    setup(builder) {
      builder.onLoad({ filter: /\.ts$/ }, (args) => {
        const replacement = overrides.get(args.path);
        return replacement ? { contents: fs.readFileSync(replacement, 'utf8'), loader: 'ts' } : undefined;
      });
    },
  };
  return bundleWorker(outDir, { plugins: [swap] });
}

/** Every file under dir, keyed by the repository path it replaces (dir mirrors the repository's layout). */
export function overridesFrom(dir: string): Map<string, string> {
  const files = fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile());
  return new Map(files.map((entry) => {
    const file = path.join(entry.parentPath, entry.name);
    return [path.join(ROOT, path.relative(dir, file)), file];
  }));
}
