// The long fuzz run (`npm run soak`): the same seeded properties as test/unit/fuzz/, with
// FUZZ_RUNS_FACTOR (default 20 here) times the inputs, and a seed of its own per run unless
// FUZZ_SEED replays one. npm test runs the fixed budget; this one looks further.
import fc from 'fast-check';
import { beforeAll, describe, it, vi } from 'vitest';
import { applyMutations, jsonValue, mutations } from '../unit/fuzz/arbitraries';
import { checkConfig, checkRequest, checkStream, editEvents, eventEdit, type Ending } from '../unit/fuzz/properties';
import { CONFIG_SEEDS, PROTOCOLS, REQUEST_SEEDS, streamingRequest, streamSeeds } from '../unit/fuzz/seeds';

const FACTOR = Number(process.env.FUZZ_RUNS_FACTOR ?? '20');
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000);
const runs = (base: number) => Math.max(1, Math.round(base * (Number.isFinite(FACTOR) && FACTOR > 0 ? FACTOR : 20)));

beforeAll(() => {
  console.log(`fuzz soak: seed ${SEED} (replay with FUZZ_SEED=${SEED}), factor ${FACTOR}`);
  vi.spyOn(console, 'error').mockImplementation(() => undefined);
});

describe.each(PROTOCOLS)('%s request parser (soak)', (protocol) => {
  const seeds = REQUEST_SEEDS[protocol];
  it('mutated and arbitrary requests end as a 4xx or a JSON upstream body', () => {
    fc.assert(
      fc.property(fc.nat({ max: seeds.length - 1 }), mutations, (index, edits) => {
        checkRequest(protocol, applyMutations(seeds[index]!.body, edits), seeds[index]!.route);
      }),
      { seed: SEED, numRuns: runs(400) },
    );
    fc.assert(fc.property(jsonValue, (body) => { checkRequest(protocol, body, { operation: 'generate' }); }), { seed: SEED + 1, numRuns: runs(200) });
  });
});

const pairs = PROTOCOLS.flatMap((client) => PROTOCOLS.map((dialect) => [client, dialect] as const));
const endings: Ending[] = ['end', 'fail', 'cut'];

describe.each(pairs)('%s client ← %s channel (soak)', (client, dialect) => {
  it('edited streams keep every stream property', () => {
    const seeds = streamSeeds(dialect);
    const request = streamingRequest(client);
    fc.assert(
      fc.property(fc.nat({ max: seeds.length - 1 }), fc.array(eventEdit, { minLength: 1, maxLength: 10 }), fc.constantFrom(...endings), (index, edits, ending) => {
        checkStream(client, dialect, request, editEvents(seeds[index]!, edits), ending);
      }),
      { seed: SEED + 2, numRuns: runs(120) },
    );
  });
});

describe('config validator (soak)', () => {
  it('mutated and arbitrary configs: a result with a path, never an exception', () => {
    fc.assert(fc.property(fc.nat({ max: CONFIG_SEEDS.length - 1 }), mutations, (index, edits) => checkConfig(applyMutations(CONFIG_SEEDS[index]!, edits))), { seed: SEED + 3, numRuns: runs(500) });
    fc.assert(fc.property(jsonValue, (document) => checkConfig(document)), { seed: SEED + 4, numRuns: runs(500) });
  });
});
