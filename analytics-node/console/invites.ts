// Invites and passwords of end users. An admin creates an invite for a user the worker knows;
// the link carries a 256-bit token (stored as its SHA-256), is valid for 7 days and works
// once: accepting it sets the user's password (scrypt) and consumes it. Creating a new invite
// for a user leaves older unused ones valid until they expire or one is used; using any
// consumes them all (a reset link supersedes the others).
import type { LogStore } from '../log-store';
import type { SqlWriter } from './console-tables';
import { consoleSql } from './console-sql';
import { dummyHash, hashPassword, needsRehash, verifyPassword } from './passwords';
import { hashToken, isTokenShaped, randomToken } from './tokens';

export const INVITE_TTL_MS = 7 * 86_400_000;

export type InviteLookup = { ok: true; user_id: string; expires_at: number } | { ok: false };

export interface InviteStoreOptions {
  store: LogStore;
  write: SqlWriter;
  now(): number;
}

export class InviteStore {
  constructor(private readonly options: InviteStoreOptions) {}

  async create(userId: string, createdBy: string): Promise<{ token: string; expires_at: number }> {
    const token = randomToken();
    const now = this.options.now();
    const expiresAt = now + INVITE_TTL_MS;
    await this.options.write('INSERT INTO console_invites VALUES ($1, $2, $3, $4, $5, NULL)', [
      hashToken(token),
      userId,
      createdBy,
      now,
      expiresAt,
    ]);
    return { token, expires_at: expiresAt };
  }

  async lookup(token: string | undefined): Promise<InviteLookup> {
    if (!isTokenShaped(token)) return { ok: false };
    const rows = await consoleSql(this.options.store).query<{ user_id: string; expires_at: number }>(
      `SELECT user_id, expires_at::DOUBLE AS expires_at FROM console_invites
       WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2`,
      [hashToken(token), this.options.now()],
    );
    const row = rows[0];
    return row ? { ok: true, user_id: row.user_id, expires_at: row.expires_at } : { ok: false };
  }

  /** Sets the password and consumes the user's open invites; false when the token is not valid now. */
  async accept(token: string, password: string): Promise<{ ok: true; user_id: string } | { ok: false }> {
    const invite = await this.lookup(token);
    if (!invite.ok) return { ok: false };
    const hash = await hashPassword(password);
    const now = this.options.now();
    // Consume first, guarded on used_at: of two concurrent acceptances only one sees its row open.
    await this.options.write(
      'UPDATE console_invites SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL',
      [now, hashToken(token)],
    );
    const consumed = await consoleSql(this.options.store).query<{ used_at: number }>(
      'SELECT used_at::DOUBLE AS used_at FROM console_invites WHERE token_hash = $1',
      [hashToken(token)],
    );
    if (consumed[0]?.used_at !== now) return { ok: false };
    await this.options.write('UPDATE console_invites SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL', [now, invite.user_id]);
    await this.setPassword(invite.user_id, hash);
    return { ok: true, user_id: invite.user_id };
  }

  async setPassword(userId: string, passwordHash: string): Promise<void> {
    await this.options.write(`${consoleSql(this.options.store).upsertInto('console_credentials')} VALUES ($1, $2, $3)`, [
      userId,
      passwordHash,
      this.options.now(),
    ]);
  }

  /** Checks a user's password; an unknown user costs the same scrypt as a known one. */
  async verify(userId: string, password: string): Promise<boolean> {
    // The newest version: ClickHouse keeps replaced rows until a merge.
    const db = consoleSql(this.options.store);
    const rows = await db.query<{ password_hash: string }>(
      `SELECT ${db.argMax('password_hash', 'updated_at')} AS password_hash FROM console_credentials WHERE user_id = $1 GROUP BY user_id`,
      [userId],
    );
    const stored = rows[0]?.password_hash;
    const matches = await verifyPassword(password, stored ?? (await dummyHash()));
    if (!matches || stored === undefined) return false;
    if (needsRehash(stored)) await this.setPassword(userId, await hashPassword(password));
    return true;
  }
}
