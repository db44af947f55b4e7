// bodyText must decode exactly as TextDecoder (what c.req.text() used) does, for any bytes:
// valid and malformed UTF-8, truncated sequences, surrogates encoded in UTF-8, byte order marks.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { bodyText } from './body-text';

const decoder = new TextDecoder();
const asBuffer = (bytes: Uint8Array): ArrayBuffer => bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;

describe('bodyText', () => {
  it('decodes any bytes exactly as TextDecoder does', () => {
    const tricky = fc.constantFrom(0xef, 0xbb, 0xbf, 0xed, 0xa0, 0x80, 0xf0, 0x9f, 0x98, 0xc3, 0xa9, 0xff, 0xc0, 0xf4, 0x90, 0x00, 0x22, 0x7b);
    const bytes = fc.array(fc.oneof(fc.integer({ min: 0, max: 255 }), tricky), { maxLength: 64 }).map((values) => Uint8Array.from(values));
    fc.assert(
      fc.property(bytes, fc.boolean(), (body, withMark) => {
        const input = withMark ? Uint8Array.from([0xef, 0xbb, 0xbf, ...body]) : body;
        expect(bodyText(asBuffer(input))).toBe(decoder.decode(input));
      }),
      { numRuns: 5000 },
    );
  });

  it('decodes any string sent as UTF-8 back to itself, one leading byte order mark dropped', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (text) => {
        const encoded = new TextEncoder().encode(text);
        expect(bodyText(asBuffer(encoded))).toBe(decoder.decode(encoded));
      }),
    );
    expect(bodyText(asBuffer(new TextEncoder().encode('\ufeff\ufeff{}')))).toBe('\ufeff{}');
  });
});
