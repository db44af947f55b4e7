import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadFleet } from './fleet';

const fleets = path.join(import.meta.dirname, 'fleets');

describe('fleet files and the CLI', () => {
  it('ships a valid demo fleet and zero-delay fleet', async () => {
    const demo = await loadFleet(path.join(fleets, 'demo.json'));
    expect(demo.map((provider) => provider.name)).toEqual(expect.arrayContaining(['acme-east', 'bolt-ai', 'openai-resp', 'cheap-gpu', 'claude-direct', 'gemini-cloud']));
    const zero = await loadFleet(path.join(fleets, 'zero.json'));
    expect(zero.map((provider) => `${provider.name}:${provider.dialect}:${provider.ttft_ms}`)).toEqual(['zero-openai:openai:0', 'zero-responses:openai-responses:0', 'zero-anthropic:anthropic:0', 'zero-gemini:gemini:0']);
  });

  it('names the bad field of an invalid fleet file', async () => {
    const directory = await mkdtemp(path.join(tmpdir(), 'fleet-'));
    const file = path.join(directory, 'bad.json');
    await writeFile(file, JSON.stringify({ providers: [{ name: 'a', dialect: 'openai', tokens_per_s: -3 }] }));
    await expect(loadFleet(file)).rejects.toThrow(/providers\.0\.tokens_per_s/);
    await expect(loadFleet(path.join(import.meta.dirname, 'fleet.test.ts'))).rejects.toThrow(/Cannot read fleet file/);
    await rm(directory, { recursive: true });
  });

  it('npm run sim prints its ready line and exits cleanly on SIGTERM', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'main.ts'), '--port', '0', '--fleet', path.join(fleets, 'zero.json')], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exit = new Promise<number | null>((resolve) => child.once('exit', resolve));
    try {
      const line = await new Promise<string>((resolve, reject) => {
        let output = '';
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          if (output.includes('\n')) resolve(output.trim());
        });
        child.once('exit', (code) => reject(new Error(`exited with ${code}`)));
      });
      expect(line).toMatch(/^simulator ready on http:\/\/127\.0\.0\.1:\d+ \(4 providers\)$/);
      const port = Number(/:(\d+) /.exec(line)![1]);
      expect((await fetch(`http://127.0.0.1:${port}/_sim/health`)).status).toBe(200);
    } finally {
      // A failed assertion must not leave the simulator running.
      child.kill('SIGTERM');
    }
    expect(await exit).toBe(0);
  });
});
