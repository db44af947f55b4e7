// Puts a dialect's reply on the wire with the provider's timing: the first token at TTFT,
// then one token every 1/tokens_per_s, optionally cut part-way by destroying the socket.
import type { ServerResponse } from 'node:http';
import type { RandomSource } from '../../worker/core/types';
import type { JsonReply, StreamFrame, StreamReply } from './dialects/types';
import { randomInteger } from './random';

export interface ReplyTiming {
  ttftMs: number;
  tokensPerSecond: number;
  /** Cut the reply part-way instead of finishing it. */
  cut: boolean;
  random: RandomSource;
}

export function sendJson(response: ServerResponse, reply: JsonReply, extraHeaders: Record<string, string> = {}): void {
  const body = JSON.stringify(reply.body);
  response.writeHead(reply.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...reply.headers, ...extraHeaders });
  response.end(body);
}

/** Waits for TTFT plus the time to generate every token, then sends the body (or half of it). */
export function writeJsonReply(response: ServerResponse, reply: JsonReply, timing: ReplyTiming): void {
  const generationMs = timing.tokensPerSecond > 0 ? (reply.outputTokens / timing.tokensPerSecond) * 1000 : 0;
  const send = () => {
    if (response.destroyed) return;
    if (!timing.cut) return sendJson(response, reply);
    const body = Buffer.from(JSON.stringify(reply.body));
    response.writeHead(reply.status, { 'content-type': 'application/json', 'content-length': body.length });
    response.write(body.subarray(0, Math.floor(body.length / 2)), () => cutConnection(response));
  };
  schedule(response, timing.ttftMs + generationMs, send);
}

export function writeStreamReply(response: ServerResponse, reply: StreamReply, timing: ReplyTiming): void {
  const steps = groupIntoSteps(reply.frames);
  // A cut stream delivers at least one token (when it has any) and never its last step.
  const cutAfter = !timing.cut ? Number.POSITIVE_INFINITY : steps.length <= 1 ? 0 : randomInteger(timing.random, 1, steps.length - 1);
  let index = 0;
  let dueMs = 0;
  let started = 0;
  const writeDue = () => {
    if (response.destroyed) return;
    if (index === 0) {
      started = performance.now();
      response.writeHead(200, { 'content-type': reply.contentType, 'cache-control': 'no-cache', ...reply.headers });
    }
    const paced = timing.tokensPerSecond > 0;
    if (!paced) response.cork();
    // Without pacing every step is due at once; with pacing, each waits for its tokens.
    while (index < steps.length) {
      const step = steps[index]!;
      if (index > 0 && paced) {
        const stepDue = dueMs + (step.tokens / timing.tokensPerSecond) * 1000;
        if (stepDue > performance.now() - started) break;
        dueMs = stepDue;
      }
      index += 1;
      if (index > cutAfter) {
        response.write('', () => cutConnection(response));
        if (!paced) response.uncork();
        return;
      }
      response.write(step.text);
    }
    if (!paced) response.uncork();
    if (index >= steps.length) return void response.end();
    const nextDue = dueMs + (steps[index]!.tokens / timing.tokensPerSecond) * 1000;
    schedule(response, nextDue - (performance.now() - started), writeDue);
  };
  schedule(response, timing.ttftMs, writeDue);
}

interface Step {
  text: string;
  tokens: number;
}

/** Each step ends with a frame that carries tokens; frames after the last one join it. */
function groupIntoSteps(frames: StreamFrame[]): Step[] {
  const steps: Step[] = [];
  let text = '';
  let tokens = 0;
  for (const frame of frames) {
    text += frame.text;
    tokens += frame.tokens;
    if (frame.tokens > 0) {
      steps.push({ text, tokens });
      text = '';
      tokens = 0;
    }
  }
  if (text) {
    if (steps.length > 0) steps[steps.length - 1]!.text += text;
    else steps.push({ text, tokens });
  }
  return steps;
}

/** Runs `task` after `delayMs` unless the client goes away first; at once when no delay. */
export function schedule(response: ServerResponse, delayMs: number, task: () => void): void {
  if (delayMs <= 0) return task();
  const timer = setTimeout(() => {
    response.off('close', cancel);
    task();
  }, delayMs);
  const cancel = () => clearTimeout(timer);
  response.once('close', cancel);
}

/** Abrupt end, as a crashed upstream or a broken network would look: a TCP reset. */
export function cutConnection(response: ServerResponse): void {
  const socket = response.socket;
  if (!socket) return void response.destroy();
  if (typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
  else socket.destroy();
}
