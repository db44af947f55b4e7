// Claude Code (the real CLI, headless `-p`) against the gateway's Anthropic route, served by
// an Anthropic channel, an OpenAI-compatible channel and a Responses channel: a text turn,
// and a turn where it runs its Bash tool because the prompt carries the simulator's marker.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAIN_KEY, stack } from '../e2e/helpers';
import { CLAUDE_BINARY, TOOL_COMMAND, TOOL_OUTPUT, reportDuration, runAgent, temporaryDirectory, watchChannel } from './agent-process';

const TARGETS = [
  { dialect: 'anthropic', model: 'm-anthropic', channels: ['ch-anthropic'] },
  { dialect: 'openai', model: 'gpt-test', channels: ['ch-a', 'ch-b'] },
  { dialect: 'openai-responses', model: 'm-responses', channels: ['ch-responses'] },
];

/** What `claude -p --output-format json` prints last: the run's result. */
interface ClaudeResult {
  type: string;
  subtype: string;
  is_error: boolean;
  num_turns: number;
  result: string;
  permission_denials: unknown[];
}

let home: Awaited<ReturnType<typeof temporaryDirectory>>;
let workspace: Awaited<ReturnType<typeof temporaryDirectory>>;

beforeAll(async () => {
  home = await temporaryDirectory('switchboard-claude-home-');
  workspace = await temporaryDirectory('switchboard-claude-work-');
});

afterAll(async () => {
  await home?.remove();
  await workspace?.remove();
});

async function claude(model: string, prompt: string, extraArguments: string[] = []) {
  const run = await runAgent({
    command: CLAUDE_BINARY,
    args: ['-p', prompt, '--model', model, '--output-format', 'json', ...extraArguments],
    cwd: workspace.path,
    timeoutMs: 150_000,
    env: {
      HOME: home.path,
      CLAUDE_CONFIG_DIR: `${home.path}/.claude`,
      ANTHROPIC_BASE_URL: stack().workerUrl,
      ANTHROPIC_API_KEY: MAIN_KEY,
      // Its background calls (titles, summaries) go to the small model: keep them in the catalog.
      ANTHROPIC_SMALL_FAST_MODEL: model,
      ANTHROPIC_DEFAULT_HAIKU_MODEL: model,
      DISABLE_TELEMETRY: '1',
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      DISABLE_AUTOUPDATER: '1',
    },
  });
  let result: ClaudeResult | undefined;
  try {
    result = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '');
  } catch {
    // Left undefined: the assertion below prints what the CLI said instead.
  }
  expect(result, `exit ${run.exitCode}\nstdout: ${run.stdout.slice(0, 2000)}\nstderr: ${run.stderr.slice(0, 2000)}`).toBeDefined();
  return { run, result: result! };
}

async function watchAll(channels: string[]) {
  const watches = await Promise.all(channels.map(watchChannel));
  return async () => (await Promise.all(watches.map((since) => since()))).flat();
}

describe.each(TARGETS)('Claude Code → $dialect channel ($model)', ({ model, channels }) => {
  it('a text turn', async () => {
    const since = await watchAll(channels);
    const { run, result } = await claude(model, 'Say hello in one short sentence.');
    reportDuration('claude-code', 'text', model, run);
    expect(run.exitCode).toBe(0);
    expect(result.is_error).toBe(false);
    expect(result.subtype).toBe('success');
    expect(result.result.length).toBeGreaterThan(0);
    const bodies = await since();
    expect(bodies.some((body) => body.includes('Say hello in one short sentence.'))).toBe(true);
  });

  it('a Bash tool turn: the command runs and its output goes back upstream', async () => {
    const since = await watchAll(channels);
    const marker = `[[call:Bash ${JSON.stringify({ command: TOOL_COMMAND, description: 'Print a marker' })}]]`;
    const { run, result } = await claude(model, `Run this command. ${marker}`, ['--allowedTools', 'Bash']);
    reportDuration('claude-code', 'tool', model, run);
    expect(run.exitCode).toBe(0);
    expect(result.is_error).toBe(false);
    expect(result.permission_denials).toEqual([]);
    expect(result.num_turns).toBeGreaterThanOrEqual(2);
    expect(result.result).toMatch(/^Tool result received:/);
    expect(result.result).toContain(TOOL_OUTPUT);
    const bodies = await since();
    expect(bodies.some((body) => body.includes('"Bash"')), 'Claude Code offered its Bash tool upstream').toBe(true);
    // The request that carried the command's output (a tool result in the channel's own dialect).
    expect(bodies.some((body) => body.includes(TOOL_OUTPUT))).toBe(true);
  });
});
