// Views written to the audit log lose every secret-bearing field first: API keys, channel
// credentials, hashes, secrets, tokens and passwords, at any depth. Field names are matched,
// not values, so a new secret field must be named like one (the test over every route keeps
// this honest by searching the log for the secrets it used).

const SECRET_FIELD = /^(api_?key|key|hash|plaintext|credentials?|secret|password|token)$|(_|^)(secret|password|credential|hash)s?(_|$)|_key$/i;

/** Fields that end in `_key` but are not secrets. */
const KEEP = new Set(['api_key_set', 'idempotency_key']);

export function isSecretField(name: string): boolean {
  return !KEEP.has(name) && SECRET_FIELD.test(name);
}

export function scrubSecrets(value: unknown, depth = 0): unknown {
  if (depth > 20) return null;
  if (Array.isArray(value)) return value.map((item) => scrubSecrets(item, depth + 1));
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [name, item] of Object.entries(value)) {
    if (!isSecretField(name)) out[name] = scrubSecrets(item, depth + 1);
  }
  return out;
}
