// Codex CLI (the real CLI, `codex exec`) against the gateway's Responses route through a
// custom model provider, served by an Anthropic channel, a Responses channel and an
// OpenAI-compatible channel: a text turn, and a turn where it runs its shell tool
// (`exec_command`) because the prompt carries the simulator's marker.
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAIN_KEY, stack } from '../e2e/helpers';
import { CODEX_SCRIPT, TOOL_COMMAND, TOOL_OUTPUT, reportDuration, runAgent, temporaryDirectory, watchChannel } from './agent-process';

const TARGETS = [
  { dialect: 'anthropic', model: 'm-anthropic', channels: ['ch-anthropic'] },
  { dialect: 'openai-responses', model: 'm-responses', channels: ['ch-responses'] },
  { dialect: 'openai', model: 'gpt-test', channels: ['ch-a', 'ch-b'] },
];

/** One line of `codex exec --json`: thread, turn and item events. */
interface CodexEvent {
  type: string;
  item?: { type: string; text?: string; command?: string; aggregated_output?: string; exit_code?: number | null; message?: string };
  error?: { message: string };
  message?: string;
}

let codexHome: Awaited<ReturnType<typeof temporaryDirectory>>;
let workspace: Awaited<ReturnType<typeof temporaryDirectory>>;

beforeAll(async () => {
  codexHome = await temporaryDirectory('switchboard-codex-home-');
  workspace = await temporaryDirectory('switchboard-codex-work-');
  const config = [
    '[model_providers.switchboard]',
    'name = "Switchboard"',
    `base_url = "${stack().workerUrl}/v1"`,
    'env_key = "SWITCHBOARD_API_KEY"',
    'wire_api = "responses"',
    '',
  ].join('\n');
  await fs.writeFile(path.join(codexHome.path, 'config.toml'), config);
});

afterAll(async () => {
  await codexHome?.remove();
  await workspace?.remove();
});

async function codex(model: string, prompt: string) {
  const run = await runAgent({
    command: process.execPath,
    args: [
      CODEX_SCRIPT, 'exec', '--skip-git-repo-check', '--json',
      '-c', 'model_provider=switchboard', '-m', model,
      // workspace-write lets it run `echo` in the temporary working directory without asking.
      '--sandbox', 'workspace-write', '-c', 'approval_policy="never"',
      prompt,
    ],
    cwd: workspace.path,
    timeoutMs: 150_000,
    env: { HOME: codexHome.path, CODEX_HOME: codexHome.path, SWITCHBOARD_API_KEY: MAIN_KEY, NO_COLOR: '1' },
  });
  const events: CodexEvent[] = run.stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line));
  const failure = events.find((event) => event.type === 'turn.failed' || event.type === 'error');
  const summary = `exit ${run.exitCode}\nstdout: ${run.stdout.slice(0, 3000)}\nstderr: ${run.stderr.slice(0, 2000)}`;
  expect(failure, summary).toBeUndefined();
  expect(run.exitCode, summary).toBe(0);
  const messages = events.filter((event) => event.type === 'item.completed' && event.item?.type === 'agent_message').map((event) => event.item!.text ?? '');
  const commands = events.filter((event) => event.type === 'item.completed' && event.item?.type === 'command_execution').map((event) => event.item!);
  return { run, events, messages, commands };
}

async function watchAll(channels: string[]) {
  const watches = await Promise.all(channels.map(watchChannel));
  return async () => (await Promise.all(watches.map((since) => since()))).flat();
}

describe.each(TARGETS)('Codex CLI → $dialect channel ($model)', ({ model, channels }) => {
  it('a text turn', async () => {
    const since = await watchAll(channels);
    const { run, messages } = await codex(model, 'Say hello in one short sentence.');
    reportDuration('codex', 'text', model, run);
    expect(messages.at(-1)?.length).toBeGreaterThan(0);
    const bodies = await since();
    expect(bodies.some((body) => body.includes('Say hello in one short sentence.'))).toBe(true);
  });

  it('a shell tool turn: the command runs and its output goes back upstream', async () => {
    const since = await watchAll(channels);
    const marker = `[[call:exec_command ${JSON.stringify({ cmd: TOOL_COMMAND })}]]`;
    const { run, messages, commands } = await codex(model, `Run this command. ${marker}`);
    reportDuration('codex', 'tool', model, run);
    expect(commands).toHaveLength(1);
    expect(commands[0]!.exit_code).toBe(0);
    expect(commands[0]!.aggregated_output).toContain(TOOL_OUTPUT);
    // Codex frames a command's output (`Chunk ID: …`, wall time, then the output), so the
    // simulator's 60-character quote need not reach it: the upstream bodies are checked instead.
    expect(messages.at(-1)).toMatch(/^Tool result received:/);
    const bodies = await since();
    expect(bodies.some((body) => body.includes('"exec_command"')), 'Codex offered its shell tool upstream').toBe(true);
    expect(bodies.some((body) => body.includes(TOOL_OUTPUT))).toBe(true);
  });
});
