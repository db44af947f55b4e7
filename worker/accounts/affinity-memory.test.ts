import { describe, expect, it } from 'vitest';
import { AffinityBook } from './affinity-book';
import { AffinityMemory } from './affinity-memory';
import { CONVERSATION_MEMORY_MS, CONVERSATIONS_PER_USER } from './affinity-types';

const served = (key: string, channel_id: string, served_at: number) => ({ key, channel_id, served_at });

describe('AffinityMemory (the isolate)', () => {
  it('remembers the latest channel per conversation, forgets after the memory span and beyond capacity', () => {
    const memory = new AffinityMemory(3);
    memory.served('u', served('a', 'one', 1_000));
    memory.served('u', served('a', 'two', 2_000));
    expect(memory.lookup('a', 2_500)).toEqual(served('a', 'two', 2_000));
    expect(memory.lookup('a', 2_000 + CONVERSATION_MEMORY_MS)).toBeNull();
    for (const key of ['b', 'c', 'd', 'e']) memory.served('u', served(key, 'one', 3_000));
    expect(memory.size).toBe(3);
    expect(memory.lookup('b', 3_000)).toBeNull();
    expect(memory.lookup('e', 3_000)?.channel_id).toBe('one');
  });

  it('hands each update to the next call once, and keeps it when the call fails', () => {
    const memory = new AffinityMemory();
    memory.served('u', served('a', 'one', 1));
    memory.served('u', served('a', 'two', 2));
    memory.served('v', served('b', 'one', 3));
    const report = memory.outgoing('u');
    expect(report.conversations).toEqual([served('a', 'two', 2)]);
    expect(memory.outgoing('u').conversations).toBeUndefined();
    memory.restore('u', report);
    expect(memory.outgoing('u').conversations).toEqual([served('a', 'two', 2)]);
    expect(memory.outgoing('v').conversations).toEqual([served('b', 'one', 3)]);
  });

  it('takes the newer of what it knows and what the object answers', () => {
    const memory = new AffinityMemory();
    memory.served('u', served('a', 'mine', 5));
    memory.absorb('u', { conversations: [served('a', 'theirs', 4), served('b', 'theirs', 4)], conversations_cursor: 'e:2' });
    expect(memory.lookup('a', 6)?.channel_id).toBe('mine');
    expect(memory.lookup('b', 6)?.channel_id).toBe('theirs');
    expect(memory.outgoing('u').conversations_since).toBe('e:2');
  });
});

describe('AffinityBook (the account object)', () => {
  it('answers only what changed since the cursor', () => {
    const book = new AffinityBook('epoch');
    const first = book.exchange({ conversations: [served('a', 'one', 10)] }, 10);
    expect(first.conversations).toEqual([served('a', 'one', 10)]);
    const quiet = book.exchange({ conversations_since: first.conversations_cursor! }, 11);
    expect(quiet.conversations).toEqual([]);
    const other = book.exchange({ conversations: [served('b', 'two', 12)] }, 12);
    expect(book.exchange({ conversations_since: quiet.conversations_cursor! }, 13).conversations).toEqual([served('b', 'two', 12)]);
    // A cursor of another instance (the object restarted) or garbage: everything.
    expect(book.exchange({ conversations_since: 'other:1' }, 13).conversations).toHaveLength(2);
    expect(book.exchange({ conversations_since: 'epoch:-1' }, 13).conversations).toHaveLength(2);
    expect(other.conversations_cursor).toBe('epoch:2');
  });

  it('keeps the latest turn whatever order reports arrive in, and bounds the user', () => {
    const book = new AffinityBook('e');
    book.exchange({ conversations: [served('a', 'new', 20)] }, 20);
    book.exchange({ conversations: [served('a', 'old', 10)] }, 21);
    expect(book.exchange({}, 22).conversations).toEqual([served('a', 'new', 20)]);
    for (let index = 0; index < CONVERSATIONS_PER_USER + 10; index++) book.exchange({ conversations: [served(`k${index}`, 'c', 30 + index)] }, 30 + index);
    expect(book.size).toBe(CONVERSATIONS_PER_USER);
    expect(book.exchange({}, 200).conversations!.some((entry) => entry.key === 'a')).toBe(false);
    // Dropped after the memory span.
    expect(book.exchange({}, 200 + CONVERSATION_MEMORY_MS).conversations).toEqual([]);
  });

  it('ignores malformed updates', () => {
    const book = new AffinityBook('e');
    const junk = [{ key: '', channel_id: 'c', served_at: 1 }, { key: 'k'.repeat(500), channel_id: 'c', served_at: 1 }, { key: 'k', channel_id: 'c', served_at: Number.NaN }, null] as never[];
    expect(book.exchange({ conversations: junk }, 2).conversations).toEqual([]);
  });
});
