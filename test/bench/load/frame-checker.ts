// Checks one held stream as its bytes arrive, without parsing SSE or JSON and without
// allocating per chunk: a byte-level state machine over the HTTP response (status line,
// headers, chunked or fixed-length body) that finds each `"content":"…"` delta of the
// held-stream format (held-frames.ts), reads its `<sequence>.<nonce>;`, and folds its bytes
// into a rolling checksum. Lost, duplicated, reordered, foreign (another stream's) and
// malformed frames are each counted; a clean stream has every sequence once, in order, the
// expected checksum, `[DONE]`, and a complete body.
import { CHECKSUM_SEED, expectedChecksum, foldByte } from './held-frames';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const CR = 0x0d;
const LF = 0x0a;
const CONTENT_MARKER = Buffer.from('"content":"');
const DONE_MARKER = Buffer.from('[DONE]');
const HEAD_END = Buffer.from('\r\n\r\n');

const enum Body { Head, Chunked, Fixed, UntilClose, Complete }
const enum Chunk { Size, Extension, SizeLf, Data, DataCr, DataLf }

export class FrameChecker {
  status = 0;
  /** Content deltas received (with a sequence number), duplicates included. */
  received = 0;
  duplicated = 0;
  /** Frames that arrived after a later one. */
  reordered = 0;
  foreign = 0;
  malformed = 0;
  extra = 0;
  done = false;
  private readonly seen: Uint8Array;
  private distinct = 0;
  private next = 0;
  private checksum = CHECKSUM_SEED;
  private body = Body.Head;
  private head = '';
  private headMatched = 0;
  private remaining = 0;
  private chunk = Chunk.Size;
  private contentMatched = 0;
  private doneMatched = 0;
  private inContent = false;
  private contentLength = 0;
  private phase = 0;
  private sequence = 0;
  private nonceRead = 0;
  private bad = false;

  constructor(readonly frames: number, readonly nonce: number) {
    this.seen = new Uint8Array(frames);
  }

  /** Feeds the next bytes of the response as they came off the socket. */
  push(bytes: Uint8Array): void {
    let index = 0;
    if (this.body === Body.Head) index = this.readHead(bytes);
    while (index < bytes.length && this.body !== Body.Complete) {
      if (this.body === Body.Chunked) index = this.readChunked(bytes, index);
      else {
        const end = this.body === Body.Fixed ? Math.min(bytes.length, index + this.remaining) : bytes.length;
        this.scan(bytes, index, end);
        if (this.body === Body.Fixed) {
          this.remaining -= end - index;
          if (this.remaining === 0) this.body = Body.Complete;
        }
        index = end;
      }
    }
  }

  /** The socket closed: a body without a length ends here. */
  end(): void {
    if (this.body === Body.UntilClose) this.body = Body.Complete;
  }

  get complete(): boolean {
    return this.body === Body.Complete;
  }

  get lost(): number {
    return this.frames - this.distinct;
  }

  /** Why the stream is not clean, or undefined when it is. */
  verdict(): string | undefined {
    if (this.status !== 200) return this.status === 0 ? 'no response head' : `status ${this.status}`;
    if (!this.complete) return 'incomplete body';
    if (this.foreign > 0) return 'frame of another stream';
    if (this.malformed > 0) return 'malformed frame';
    if (this.lost > 0) return 'lost frames';
    if (this.duplicated > 0 || this.extra > 0) return 'duplicated frames';
    if (this.reordered > 0) return 'reordered frames';
    if (!this.done) return 'ended without [DONE]';
    if (this.checksum !== expectedChecksum(this.frames, this.nonce)) return 'content checksum mismatch';
    return undefined;
  }

  private readHead(bytes: Uint8Array): number {
    for (let index = 0; index < bytes.length; index += 1) {
      this.headMatched = bytes[index] === HEAD_END[this.headMatched] ? this.headMatched + 1 : bytes[index] === CR ? 1 : 0;
      if (this.headMatched < HEAD_END.length) continue;
      // Once per stream: the head is small, and a string makes its few fields easy to read.
      this.head += Buffer.from(bytes.buffer, bytes.byteOffset, index + 1).toString('latin1');
      this.startBody(this.head.toLowerCase());
      return index + 1;
    }
    this.head += Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
    return bytes.length;
  }

  private startBody(head: string): void {
    this.status = Number(/^http\/1\.[01] (\d{3})/.exec(head)?.[1] ?? -1);
    const length = /\r\ncontent-length:\s*(\d+)/.exec(head);
    if (/\r\ntransfer-encoding:[^\r]*chunked/.test(head)) this.body = Body.Chunked;
    else if (length) {
      this.remaining = Number(length[1]);
      this.body = this.remaining === 0 ? Body.Complete : Body.Fixed;
    } else this.body = Body.UntilClose;
    this.head = '';
  }

  /** Chunked transfer encoding, undone in place: only the data bytes reach scan(). */
  private readChunked(bytes: Uint8Array, start: number): number {
    let index = start;
    while (index < bytes.length && this.body === Body.Chunked) {
      const byte = bytes[index]!;
      switch (this.chunk) {
        case Chunk.Size: {
          const digit = byte >= 48 && byte <= 57 ? byte - 48 : byte >= 97 && byte <= 102 ? byte - 87 : byte >= 65 && byte <= 70 ? byte - 55 : -1;
          if (digit >= 0) this.remaining = this.remaining * 16 + digit;
          else this.chunk = byte === CR ? Chunk.SizeLf : Chunk.Extension;
          index += 1;
          break;
        }
        case Chunk.Extension:
          if (byte === CR) this.chunk = Chunk.SizeLf;
          index += 1;
          break;
        case Chunk.SizeLf:
          index += 1;
          if (this.remaining === 0) this.body = Body.Complete; // The last chunk; trailers are ignored.
          else this.chunk = Chunk.Data;
          break;
        case Chunk.Data: {
          const end = Math.min(bytes.length, index + this.remaining);
          this.scan(bytes, index, end);
          this.remaining -= end - index;
          index = end;
          if (this.remaining === 0) this.chunk = Chunk.DataCr;
          break;
        }
        case Chunk.DataCr:
          index += 1;
          this.chunk = Chunk.DataLf;
          break;
        case Chunk.DataLf:
          index += 1;
          this.chunk = Chunk.Size;
          break;
      }
    }
    return index;
  }

  /** The SSE body: markers outside content strings, sequence and nonce inside them. */
  private scan(bytes: Uint8Array, start: number, end: number): void {
    for (let index = start; index < end; index += 1) {
      const byte = bytes[index]!;
      if (this.inContent) {
        if (byte === QUOTE) this.endContent();
        else this.contentByte(byte);
        continue;
      }
      this.contentMatched = byte === CONTENT_MARKER[this.contentMatched] ? this.contentMatched + 1 : byte === QUOTE ? 1 : 0;
      if (this.contentMatched === CONTENT_MARKER.length) {
        this.contentMatched = 0;
        this.inContent = true;
        this.contentLength = 0;
        this.phase = 0;
        this.sequence = 0;
        this.nonceRead = 0;
        this.bad = false;
      }
      this.doneMatched = byte === DONE_MARKER[this.doneMatched] ? this.doneMatched + 1 : byte === DONE_MARKER[0] ? 1 : 0;
      if (this.doneMatched === DONE_MARKER.length) {
        this.doneMatched = 0;
        this.done = true;
      }
    }
  }

  private contentByte(byte: number): void {
    this.contentLength += 1;
    this.checksum = foldByte(this.checksum, byte);
    if (byte === BACKSLASH || this.phase === 2) this.bad = true;
    else if (byte >= 48 && byte <= 57) {
      if (this.phase === 0) this.sequence = this.sequence * 10 + (byte - 48);
      else this.nonceRead = this.nonceRead * 10 + (byte - 48);
    } else if (byte === 0x2e && this.phase === 0) this.phase = 1;
    else if (byte === 0x3b && this.phase === 1) this.phase = 2;
    else this.bad = true;
  }

  private endContent(): void {
    this.inContent = false;
    if (this.contentLength === 0) return; // The role frame's empty content.
    if (this.bad || this.phase !== 2) return void (this.malformed += 1);
    if (this.nonceRead !== this.nonce) return void (this.foreign += 1);
    this.received += 1;
    const sequence = this.sequence;
    if (sequence >= this.frames) return void (this.extra += 1);
    if (this.seen[sequence] === 1) return void (this.duplicated += 1);
    this.seen[sequence] = 1;
    this.distinct += 1;
    // Late: a later frame came first. A gap alone is counted by `lost` if it never fills.
    if (sequence < this.next) this.reordered += 1;
    else this.next = sequence + 1;
  }
}
