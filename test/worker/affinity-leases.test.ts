// Conversation affinity carried on admission leases, against the real account object: what one
// isolate served reaches another isolate of the same user on its next lease call (a grant or
// a report), with no call of its own, and never reaches another user's isolates.
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { AccountLimits, LeaseInput } from '../../worker/accounts/account-types';
import { LeaseBook, type LeaseRequest } from '../../worker/accounts/lease';

const NANO = 1_000_000_000;
const NO_LIMITS: AccountLimits = { rpm: null, tpm: null, key_daily_nanousd: null, key_monthly_nanousd: null, user_monthly_nanousd: null };

async function seedUser(id: string) {
  await env.DB.prepare("INSERT INTO groups (id) VALUES ('default') ON CONFLICT DO NOTHING").run();
  await env.DB.prepare('INSERT INTO users (id, balance_nanousd) VALUES (?, ?)').bind(id, 10 * NANO).run();
}

function isolate(name: string, calls: LeaseInput[]): LeaseBook {
  return new LeaseBook(
    async (userId: string, input: LeaseInput) => {
      calls.push(input);
      return env.ACCOUNTS.get(env.ACCOUNTS.idFromName(userId)).lease(input);
    },
    { sliceMaxNanousd: 0.05 * NANO, sliceFraction: 0.05, rateFraction: 0.1 },
    Date.now,
    () => {},
    name,
  );
}

let counter = 0;
function request(user: string, key = 'k1'): LeaseRequest {
  counter += 1;
  return { user_id: user, key_id: key, request_id: `affinity-${counter}`, limits: NO_LIMITS, reserve_nanousd: 0.001 * NANO, input_tokens: 10 };
}

describe('conversation affinity across isolates', () => {
  it('a conversation served in isolate A is known to isolate B after A reports and B asks for its lease', async () => {
    const user = 'affinity-user';
    await seedUser(user);
    const callsA: LeaseInput[] = [];
    const callsB: LeaseInput[] = [];
    const a = isolate('isolate-a', callsA);
    const b = isolate('isolate-b', callsB);

    const admitted = await a.admit(request(user));
    if (!admitted.ok) throw new Error('not admitted');
    const servedAt = Date.now();
    a.conversations.served(user, { key: 'conversation-1', channel_id: 'channel-x', served_at: servedAt });
    admitted.ticket.settle(0.0001 * NANO, 10);
    await a.flush();
    // The update went out with A's report, once.
    expect(callsA.flatMap((call) => call.conversations ?? [])).toEqual([{ key: 'conversation-1', channel_id: 'channel-x', served_at: servedAt }]);

    expect(b.conversations.lookup('conversation-1', Date.now())).toBeNull();
    // B's first request of this user asks the object for a lease: the answer carries the conversation.
    const fromB = await b.admit(request(user, 'k2'));
    expect(fromB.ok).toBe(true);
    expect(b.conversations.lookup('conversation-1', Date.now())).toEqual({ key: 'conversation-1', channel_id: 'channel-x', served_at: servedAt });
    expect(callsB).toHaveLength(1);

    // B serves the next turn elsewhere; A hears it with its next report, and nothing is repeated.
    if (!fromB.ok) return;
    b.conversations.served(user, { key: 'conversation-1', channel_id: 'channel-y', served_at: servedAt + 1 });
    fromB.ticket.settle(0.0001 * NANO, 10);
    await b.flush();
    const again = await a.admit(request(user));
    if (!again.ok) throw new Error('not admitted');
    again.ticket.settle(0.0001 * NANO, 10);
    await a.flush();
    expect(a.conversations.lookup('conversation-1', Date.now())?.channel_id).toBe('channel-y');
    await Promise.all([a.flush(true), b.flush(true)]);
  });

  it("another user's isolates never hear of it", async () => {
    await seedUser('affinity-owner');
    await seedUser('affinity-stranger');
    const owner = isolate('owner', []);
    const stranger = isolate('stranger', []);
    const admitted = await owner.admit(request('affinity-owner'));
    if (!admitted.ok) throw new Error('not admitted');
    owner.conversations.served('affinity-owner', { key: 'private-conversation', channel_id: 'c', served_at: Date.now() });
    admitted.ticket.settle(1, 1);
    await owner.flush();
    const other = await stranger.admit(request('affinity-stranger'));
    expect(other.ok).toBe(true);
    expect(stranger.conversations.lookup('private-conversation', Date.now())).toBeNull();
    await Promise.all([owner.flush(true), stranger.flush(true)]);
  });
});
