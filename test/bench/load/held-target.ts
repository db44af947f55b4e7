// The held upstream as a contender sees it: started in its own process, and each target's
// way to it — the direct contender by URL, Switchboard by pointing its slow channel there
// through the admin API, a path proxy by being started in front of it. Shared by sections/streams.ts and stream-memory.ts.
import path from 'node:path';
import { startProcess, type Started } from '../lib/processes';
import { ROOT, type Target } from '../lib/contenders';
import { ADMIN_KEY } from '../contenders/bench-fleet';
import { heldPrompt } from './held-frames';

const TSX = path.join(ROOT, 'node_modules/.bin/tsx');
/** 20 content deltas 500 ms apart: each held stream lasts 10 s. */
export const FRAMES = 20;
export const INTERVAL_MS = 500;
const HELD_CHANNEL = 'ch-slow';

export interface HeldUpstream {
  url: string;
  process: Started;
}

/** `framing`: chunked (as real providers stream) or a content-length body. */
export async function startHeldUpstream(framing: 'chunked' | 'length' = 'chunked'): Promise<HeldUpstream> {
  const started = await startProcess({
    name: 'held-upstream',
    command: TSX,
    args: [path.join(ROOT, 'test/bench/load/held-upstream.ts'), `--frames=${FRAMES}`, `--interval-ms=${INTERVAL_MS}`, `--framing=${framing}`],
  });
  return { url: started.ready.url as string, process: started };
}

/** The URL a held stream is opened on; for Switchboard, its slow channel now leads to `upstream`. */
export async function heldUrl(target: Target, upstream: HeldUpstream): Promise<string> {
  // Path proxies started with the held upstream as their upstream (stream-memory.ts) forward
  // their own URL there; the held upstream answers any path.
  if (target.name !== 'switchboard') return target.name === 'direct' ? `${upstream.url}/v1/chat/completions` : target.url;
  const origin = new URL(target.url).origin;
  const response = await fetch(`${origin}/admin/channels/${HELD_CHANNEL}`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_KEY}` },
    body: JSON.stringify({ base_url: upstream.url }),
  });
  if (!response.ok) throw new Error(`PATCH ${HELD_CHANNEL}: ${response.status} ${await response.text()}`);
  // The catalog is cached per isolate: wait until a stream through the gateway carries the
  // held upstream's first frame (`"0.0;"` for nonce 0), then cut it.
  for (let tries = 0; tries < 40; tries++) {
    const probe = await fetch(target.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...target.headers },
      body: JSON.stringify({ model: target.model(true), stream: true, messages: [{ role: 'user', content: heldPrompt(0) }] }),
    });
    const reader = probe.body!.getReader();
    let text = '';
    while (!/"content":"[^"]+"/.test(text)) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    await reader.cancel();
    if (text.includes('"content":"0.0;"')) return target.url;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`held streams: ${target.name} does not reach the held upstream after patching ${HELD_CHANNEL}`);
}
