// The pure parts of admin authorization and auditing: which scope may do what, what a change
// is about, and which fields never reach the log.
import { describe, expect, it } from 'vitest';
import { auditTarget } from './audit-targets';
import { scrubSecrets } from './audit-scrub';
import { scopeAllows } from './scopes';

describe('scopeAllows', () => {
  it.each([
    ['read-only', 'GET', '/admin/users', true],
    ['read-only', 'GET', '/admin/admin-keys', true],
    ['read-only', 'POST', '/admin/users', false],
    ['read-only', 'DELETE', '/admin/keys/k', false],
    ['operator', 'PATCH', '/admin/channels/c1', true],
    ['operator', 'POST', '/admin/config', true],
    ['operator', 'POST', '/admin/admin-keys', false],
    ['operator', 'DELETE', '/admin/admin-keys/adk_1', false],
    ['operator', 'POST', '/admin/channels/rotate-credentials', false],
    ['operator', 'POST', '/admin/credentials/rotate', false],
    ['operator', 'POST', '/admin/channels/c1/test', true],
    ['read-only', 'POST', '/admin/channels/c1/test', false],
    ['owner', 'POST', '/admin/admin-keys', true],
    ['owner', 'POST', '/admin/channels/rotate-credentials', true],
  ] as const)('%s %s %s → %s', (scope, method, path, allowed) => {
    expect(scopeAllows(scope, method, path)).toBe(allowed);
  });
});

describe('auditTarget', () => {
  it.each([
    ['POST', '/admin/config', { entity_type: 'config', entity_id: null, action: 'apply' }],
    ['POST', '/admin/users', { entity_type: 'user', entity_id: null, action: 'create', view: 'user' }],
    ['PATCH', '/admin/users/a%20b', { entity_type: 'user', entity_id: 'a b', action: 'update' }],
    ['DELETE', '/admin/users/u1', { entity_type: 'user', action: 'disable' }],
    ['POST', '/admin/users/u1/credits', { entity_type: 'user', entity_id: 'u1', action: 'credit' }],
    ['DELETE', '/admin/groups/g', { entity_type: 'group', action: 'delete' }],
    ['DELETE', '/admin/keys/k', { entity_type: 'key', action: 'revoke' }],
    ['DELETE', '/admin/channels/c', { entity_type: 'channel', action: 'disable' }],
    ['POST', '/admin/channels/rotate-credentials', { entity_type: 'channel_credentials', entity_id: null, action: 'rotate', view: null }],
    ['PATCH', '/admin/channels/rotate-credentials', { entity_type: 'channel', entity_id: 'rotate-credentials', action: 'update' }],
    ['DELETE', '/admin/admin-keys/adk', { entity_type: 'admin_key', action: 'revoke' }],
    ['POST', '/admin/channels/c1/test', { entity_type: 'channel', entity_id: 'c1', action: 'test', view: null }],
    ['POST', '/admin/something/new/verb', { entity_type: 'something', entity_id: 'new', action: 'post verb', view: null }],
  ] as const)('%s %s', (method, path, expected) => {
    expect(auditTarget(method, path)).toMatchObject(expected);
  });
});

describe('scrubSecrets', () => {
  it('drops secret-bearing fields at any depth and keeps the rest', () => {
    const view = {
      id: 'c1',
      api_key: 'sk-live',
      api_key_set: true,
      key: 'sk-sb-1',
      hash: 'ab12',
      prefix: 'sk-sb-1…',
      models: [{ model: 'm', cost: { input_per_mtok: 1 }, credentials: 'x', client_secret: 'y', password: 'z' }],
      nested: { internal_secret: 's', secret_hashes: ['h'], token: 't', rpm: 5, tpm: 10, input_tokens: 3 },
    };
    expect(scrubSecrets(view)).toEqual({
      id: 'c1',
      api_key_set: true,
      prefix: 'sk-sb-1…',
      models: [{ model: 'm', cost: { input_per_mtok: 1 } }],
      nested: { rpm: 5, tpm: 10, input_tokens: 3 },
    });
  });
});
