// Fuzzing every stream observer and translator: for all sixteen client ← channel pairs
// (the four same-dialect passthroughs observe, the twelve others translate), the recorded
// upstream streams with events dropped, duplicated, reordered, cut short, renamed, replaced
// by garbage or with their JSON mutated, ended cleanly, broken (fail) or cut off. Seeded.
import fc from 'fast-check';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { runs } from './arbitraries';
import { checkStream, editEvents, eventEdit, type Ending } from './properties';
import { PROTOCOLS, streamingRequest, streamSeeds } from './seeds';

// Unreadable events are logged by the worker (console.error); thousands of them are noise here.
beforeAll(() => {
  vi.spyOn(console, 'error').mockImplementation(() => undefined);
});

const pairs = PROTOCOLS.flatMap((client) => PROTOCOLS.map((dialect) => [client, dialect] as const));
const endings: Ending[] = ['end', 'fail', 'cut'];

describe.each(pairs)('%s client ← %s channel', (client, dialect) => {
  const seeds = streamSeeds(dialect);
  const request = streamingRequest(client);

  it('every recorded stream, unedited, passes the checks with every ending', () => {
    for (const seed of seeds) for (const ending of endings) expect(checkStream(client, dialect, request, seed, ending).length).toBeGreaterThan(0);
  });

  it('edited streams: frames parse, nothing after the terminal frame, no completion after an error, no exception', () => {
    fc.assert(
      fc.property(fc.nat({ max: seeds.length - 1 }), fc.array(eventEdit, { minLength: 1, maxLength: 6 }), fc.constantFrom(...endings), (index, edits, ending) => {
        checkStream(client, dialect, request, editEvents(seeds[index]!, edits), ending);
      }),
      { seed: 1203, numRuns: runs(120) },
    );
  });
});
