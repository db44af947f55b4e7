// Runs a coding agent's CLI as a child process with its own temporary home, captures what it
// printed and how long it took, and tells which requests the simulated upstreams received
// meanwhile — the gateway side of each run.
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { providerCounters, providerOfChannel, receivedBy } from '../e2e/helpers';

const ROOT = path.resolve(import.meta.dirname, '../..');
export const CLAUDE_BINARY = path.join(ROOT, 'node_modules/@anthropic-ai/claude-code/bin/claude.exe');
export const CLAUDE_INSTALL_SCRIPT = path.join(ROOT, 'node_modules/@anthropic-ai/claude-code/install.cjs');
export const CODEX_SCRIPT = path.join(ROOT, 'node_modules/@openai/codex/bin/codex.js');

export interface AgentRun {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  durationMs: number;
}

export interface AgentCommand {
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
  timeoutMs: number;
}

/** Runs to completion (or kills the child after timeoutMs); never rejects, so a test can show the output. */
export function runAgent({ command, args, env, cwd, timeoutMs }: AgentCommand): Promise<AgentRun> {
  const started = performance.now();
  return new Promise((resolve) => {
    // Only PATH and the caller's variables: nothing of the developer's own agent set-up leaks in.
    const child = spawn(command, args, { cwd, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    const finish = (exitCode: number | null) => {
      clearTimeout(timer);
      resolve({ exitCode, stdout, stderr, durationMs: Math.round(performance.now() - started) });
    };
    child.on('error', (error) => {
      stderr += String(error);
      finish(null);
    });
    child.on('close', finish);
  });
}

/** A fresh directory under the system temp folder; removed by the returned function. */
export async function temporaryDirectory(prefix: string): Promise<{ path: string; remove: () => Promise<void> }> {
  const directory = await fs.mkdtemp(path.join(os.tmpdir(), prefix));
  return { path: directory, remove: () => fs.rm(directory, { recursive: true, force: true }) };
}

/** Counts a channel's upstream requests before a run, then returns the bodies of the requests made since. */
export async function watchChannel(channelId: string): Promise<() => Promise<string[]>> {
  const provider = providerOfChannel(channelId);
  const before = (await providerCounters(provider)).requests;
  return async () => {
    const made = (await providerCounters(provider)).requests - before;
    if (made <= 0) return [];
    const requests = await receivedBy(provider, made);
    return requests.slice(-made).map((request) => request.body);
  };
}

/** One line per run in the test output, so durations can be compared across runs. */
export function reportDuration(agent: string, turn: string, model: string, run: AgentRun): void {
  console.info(`[duration] ${agent} ${turn} ${model}: ${(run.durationMs / 1000).toFixed(1)} s (exit ${run.exitCode})`);
}

/** A command whose output differs from its own text, so the upstream can be seen to receive the tool's result. */
export const TOOL_COMMAND = 'echo sb-$((40+2))';
export const TOOL_OUTPUT = 'sb-42';
