// The clients project runs the real coding agents against the same local stack as the e2e
// project (test/e2e/global-setup.ts: simulator with the e2e fleet, analytics node, worker).
// Claude Code's npm package puts its native binary in place from a postinstall script that
// npm 11 may skip; without it bin/claude.exe is a small placeholder, so run the script here.
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import { promisify } from 'node:util';
import type { TestProject } from 'vitest/node';
import startE2EStack from '../e2e/global-setup';
import { CLAUDE_BINARY, CLAUDE_INSTALL_SCRIPT } from './agent-process';

/** The placeholder is a few kilobytes; the real binary is hundreds of megabytes. */
const REAL_BINARY_MIN_BYTES = 1024 * 1024;

async function ensureClaudeBinary(): Promise<void> {
  const size = await fs.stat(CLAUDE_BINARY).then((stat) => stat.size, () => 0);
  if (size >= REAL_BINARY_MIN_BYTES) return;
  await promisify(execFile)(process.execPath, [CLAUDE_INSTALL_SCRIPT], { cwd: CLAUDE_INSTALL_SCRIPT.replace(/\/install\.cjs$/, '') });
  const after = await fs.stat(CLAUDE_BINARY).then((stat) => stat.size, () => 0);
  if (after < REAL_BINARY_MIN_BYTES) throw new Error(`Claude Code install step did not produce ${CLAUDE_BINARY} (${after} bytes)`);
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  await ensureClaudeBinary();
  return startE2EStack(project);
}
