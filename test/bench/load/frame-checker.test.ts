// The held-stream checker must catch every way a gateway could damage a stream — a lost,
// duplicated, reordered, foreign or altered frame, a missing [DONE], a cut body — for any
// split of the bytes across socket reads and either body framing (chunked or fixed length).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { FrameChecker } from './frame-checker';
import { closingFrames, contentFrame, streamLength } from './held-frames';

const FRAMES = 20;
const NONCE = 4711;

function frames(nonce = NONCE): string[] {
  return [...Array.from({ length: FRAMES }, (_, sequence) => contentFrame(sequence, nonce)), closingFrames(FRAMES)];
}

/** A chunked HTTP response carrying `parts`, one chunk per part (as a gateway flushes frames). */
function chunked(parts: string[], status = 200): Buffer {
  const head = `HTTP/1.1 ${status} OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n`;
  const body = parts.map((part) => `${Buffer.byteLength(part).toString(16)}\r\n${part}\r\n`).join('');
  return Buffer.from(`${head}${body}0\r\n\r\n`);
}

function fixed(parts: string[]): Buffer {
  const body = parts.join('');
  return Buffer.from(`HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
}

function check(bytes: Buffer, cuts: number[] = []): FrameChecker {
  const checker = new FrameChecker(FRAMES, NONCE);
  let from = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    checker.push(bytes.subarray(from, cut));
    from = cut;
  }
  checker.push(bytes.subarray(from));
  checker.end();
  return checker;
}

const splits = (length: number) => fc.array(fc.integer({ min: 0, max: length }), { maxLength: 40 });

describe('held-stream frame checker', () => {
  it('passes a clean stream, chunked or fixed length, however its bytes are split', () => {
    const streams = [chunked(frames()), fixed(frames()), chunked([frames().join('')])];
    for (const bytes of streams) {
      fc.assert(fc.property(splits(bytes.length), (cuts) => {
        const checker = check(bytes, cuts);
        expect(checker.verdict()).toBeUndefined();
        expect(checker.received).toBe(FRAMES);
      }));
    }
    // Every split into single bytes too: no state may straddle a read badly.
    const bytes = chunked(frames());
    expect(check(bytes, Array.from({ length: bytes.length }, (_, index) => index)).verdict()).toBeUndefined();
  });

  it('agrees with the upstream on the body length', () => {
    expect(streamLength(FRAMES, NONCE)).toBe(Buffer.byteLength(frames().join('')));
  });

  it('catches a lost frame', () => {
    const parts = frames();
    parts.splice(7, 1);
    const checker = check(chunked(parts));
    expect(checker.verdict()).toBe('lost frames');
    expect([checker.lost, checker.duplicated, checker.reordered]).toEqual([1, 0, 0]);
  });

  it('catches a duplicated frame', () => {
    const parts = frames();
    parts.splice(8, 0, parts[7]!);
    const checker = check(chunked(parts));
    expect(checker.verdict()).toBe('duplicated frames');
    expect([checker.lost, checker.duplicated, checker.reordered]).toEqual([0, 1, 0]);
  });

  it('catches two frames swapped', () => {
    const parts = frames();
    [parts[3], parts[4]] = [parts[4]!, parts[3]!];
    const checker = check(chunked(parts));
    expect(checker.verdict()).toBe('reordered frames');
    expect([checker.lost, checker.duplicated, checker.reordered]).toEqual([0, 0, 1]);
  });

  it('catches a frame of another stream in place of its own', () => {
    const parts = frames();
    parts[5] = contentFrame(5, NONCE + 1);
    expect(check(chunked(parts)).verdict()).toBe('frame of another stream');
  });

  it('catches altered content that still carries the right sequence number, by the checksum', () => {
    const parts = frames();
    parts[6] = parts[6]!.replace(`"6.${NONCE};"`, `"06.${NONCE};"`);
    const checker = check(chunked(parts));
    expect(checker.lost + checker.duplicated + checker.reordered).toBe(0);
    expect(checker.verdict()).toBe('content checksum mismatch');
  });

  it('catches a missing [DONE], a cut body and an error status', () => {
    const parts = frames();
    parts[FRAMES] = parts[FRAMES]!.replace('data: [DONE]\n\n', '');
    expect(check(chunked(parts)).verdict()).toBe('ended without [DONE]');
    const whole = chunked(frames());
    expect(check(whole.subarray(0, whole.length - 5)).verdict()).toBe('incomplete body');
    expect(check(chunked(['{"error":{}}'], 502)).verdict()).toBe('status 502');
  });
});
