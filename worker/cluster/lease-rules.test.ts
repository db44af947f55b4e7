import { describe, expect, it } from 'vitest';
import { decideLease, fenceAllows, leaseRequestSchema, type LeaseRow } from './lease-rules';

const NOW = 1_800_000_000_000;
const ask = (node_id: string, ttl_s = 15) => ({ node_id, ttl_s });

describe('the analytics lease rules', () => {
  it('acquires a free lease at term 1', () => {
    const decision = decideLease(null, 'analytics', ask('node-a'), NOW);
    expect(decision).toEqual({ row: { name: 'analytics', holder: 'node-a', term: 1, expires_at: NOW + 15_000 }, change: 'acquired', leader: true });
  });

  it('renews for its holder with the same term and a later expiry, never a shorter one', () => {
    const held: LeaseRow = { name: 'analytics', holder: 'node-a', term: 3, expires_at: NOW + 5_000 };
    const renewed = decideLease(held, 'analytics', ask('node-a'), NOW + 1_000);
    expect(renewed).toMatchObject({ change: 'renewed', leader: true, row: { holder: 'node-a', term: 3, expires_at: NOW + 16_000 } });
    const shorter = decideLease({ ...held, expires_at: NOW + 60_000 }, 'analytics', ask('node-a', 1), NOW);
    expect(shorter.row.expires_at).toBe(NOW + 60_000);
  });

  it('refuses another node while the lease is unexpired, changing nothing', () => {
    const held: LeaseRow = { name: 'analytics', holder: 'node-a', term: 3, expires_at: NOW + 5_000 };
    expect(decideLease(held, 'analytics', ask('node-b'), NOW + 4_999)).toEqual({ row: held, change: 'refused', leader: false });
  });

  it('lets another node take an expired lease with the next term', () => {
    const held: LeaseRow = { name: 'analytics', holder: 'node-a', term: 3, expires_at: NOW + 5_000 };
    const stolen = decideLease(held, 'analytics', ask('node-b', 10), NOW + 5_000);
    expect(stolen).toEqual({ row: { name: 'analytics', holder: 'node-b', term: 4, expires_at: NOW + 15_000 }, change: 'taken_over', leader: true });
  });

  it('gives the former holder a new term too when it comes back after expiry', () => {
    const held: LeaseRow = { name: 'analytics', holder: 'node-a', term: 3, expires_at: NOW };
    expect(decideLease(held, 'analytics', ask('node-a'), NOW + 1)).toMatchObject({ change: 'taken_over', row: { term: 4 } });
  });

  it('fences: only the current term acts; without a term only while no lease is held', () => {
    const held: LeaseRow = { name: 'analytics', holder: 'node-b', term: 4, expires_at: NOW + 5_000 };
    expect(fenceAllows(held, 4, NOW)).toBe(true);
    expect(fenceAllows(held, 3, NOW)).toBe(false);
    expect(fenceAllows(held, 5, NOW)).toBe(false);
    expect(fenceAllows(held, null, NOW)).toBe(false);
    expect(fenceAllows(held, null, NOW + 5_000)).toBe(true);
    expect(fenceAllows(null, null, NOW)).toBe(true);
    expect(fenceAllows(null, 1, NOW)).toBe(false);
  });

  it('accepts only a well-formed request', () => {
    expect(leaseRequestSchema.safeParse(ask('node-a.1:eu@x')).success).toBe(true);
    for (const hostile of [
      {},
      { node_id: '', ttl_s: 15 },
      { node_id: 'a b', ttl_s: 15 },
      { node_id: "a'; DROP TABLE analytics_lease; --", ttl_s: 15 },
      { node_id: 'x'.repeat(129), ttl_s: 15 },
      { node_id: 'a', ttl_s: 0 },
      { node_id: 'a', ttl_s: 1.5 },
      { node_id: 'a', ttl_s: 3601 },
      { node_id: 'a', ttl_s: '15' },
      { node_id: 'a', ttl_s: 15, term: 99 },
      ['a', 15],
    ]) {
      expect(leaseRequestSchema.safeParse(hostile).success, JSON.stringify(hostile)).toBe(false);
    }
  });
});
