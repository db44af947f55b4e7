// Console sessions: the cookie holds a random 256-bit id; DuckDB (`console_sessions`) holds
// its SHA-256 with the identity and expiry, so sessions survive a restart and a copy of the
// file opens none. A write-through map keeps every live session in memory, so checking a
// session never waits behind a dashboard query. Several nodes may share one store
// (ClickHouse): a cookie this node has not seen is looked up in the store (`resolve`), and a
// remembered session is checked against the store again after RECHECK_MS, so a sign-out or a
// revocation on another node ends it here within that time. The CSRF token is
// derived (HMAC of the session id under a node secret): nothing to store, and only a holder
// of the HttpOnly cookie's value could compute it.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { LogStore } from '../log-store';
import type { Identity, Session } from './api-types';
import type { SqlWriter } from './console-tables';
import { hashToken, randomToken } from './tokens';
import { consoleSql } from './console-sql';

export const SESSION_COOKIE = 'sb_session';
/** How long a remembered session is trusted before the store is asked again. */
export const RECHECK_MS = 5_000;

interface Entry {
  identity: Identity;
  expiresAt: number;
  /** When the store last confirmed it (this node's own sessions: when created). */
  checkedAt: number;
}

interface SessionRow {
  id_hash: string;
  kind: string;
  subject: string;
  admin_name: string | null;
  admin_scope: string | null;
  expires_at: number;
}

export interface SessionStoreOptions {
  store: LogStore;
  write: SqlWriter;
  ttlMs: number;
  /** Keys the CSRF derivation; the node's internal secret (stable across restarts). */
  csrfSecret: string;
  now(): number;
}

export class ConsoleSessionStore {
  readonly #entries = new Map<string, Entry>();

  private constructor(private readonly options: SessionStoreOptions) {}

  static async open(options: SessionStoreOptions): Promise<ConsoleSessionStore> {
    const sessions = new ConsoleSessionStore(options);
    const now = options.now();
    await options.write('DELETE FROM console_sessions WHERE expires_at <= $1', [now]);
    const rows = await consoleSql(options.store).query<SessionRow>(`SELECT ${SESSION_COLUMNS} FROM console_sessions`);
    for (const row of rows) {
      const identity = identityOf(row);
      if (identity !== null) sessions.#entries.set(row.id_hash, { identity, expiresAt: row.expires_at, checkedAt: now });
    }
    return sessions;
  }

  get ttlMs(): number {
    return this.options.ttlMs;
  }

  async create(identity: Identity): Promise<{ id: string; session: Session }> {
    const id = randomToken();
    const hash = hashToken(id);
    const now = this.options.now();
    const expiresAt = now + this.options.ttlMs;
    await this.options.write(
      `INSERT INTO console_sessions VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [
        hash,
        identity.kind,
        identity.kind === 'admin' ? identity.id : identity.user_id,
        identity.kind === 'admin' ? identity.name : null,
        identity.kind === 'admin' ? identity.scope : null,
        now,
        expiresAt,
      ],
    );
    this.#entries.set(hash, { identity, expiresAt, checkedAt: now });
    return { id, session: this.#sessionOf(id, identity, expiresAt) };
  }

  /** The live session behind a cookie value, or null (unknown, expired or revoked). */
  get(id: string): Session | null {
    const hash = hashToken(id);
    const entry = this.#entries.get(hash);
    if (entry === undefined) return null;
    if (entry.expiresAt <= this.options.now()) {
      this.#entries.delete(hash);
      return null;
    }
    return this.#sessionOf(id, entry.identity, entry.expiresAt);
  }

  /**
   * `get`, asking the store when this node has not seen the cookie or last confirmed it more
   * than RECHECK_MS ago (another node may have created or ended it).
   */
  async resolve(id: string): Promise<Session | null> {
    const hash = hashToken(id);
    const entry = this.#entries.get(hash);
    const now = this.options.now();
    if (entry !== undefined && now - entry.checkedAt < RECHECK_MS) return this.get(id);
    const [row] = await consoleSql(this.options.store).query<SessionRow>(
      `SELECT ${SESSION_COLUMNS} FROM console_sessions WHERE id_hash = $1 AND expires_at > $2`,
      [hash, now],
    );
    const identity = row === undefined ? null : identityOf(row);
    if (row === undefined || identity === null) {
      this.#entries.delete(hash);
      return null;
    }
    this.#entries.set(hash, { identity, expiresAt: row.expires_at, checkedAt: now });
    return this.#sessionOf(id, identity, row.expires_at);
  }

  async revoke(id: string): Promise<void> {
    const hash = hashToken(id);
    this.#entries.delete(hash);
    await this.options.write('DELETE FROM console_sessions WHERE id_hash = $1', [hash]);
  }

  /** Ends every session of one user or one admin (disabled user, revoked admin key). */
  async revokeSubject(kind: Identity['kind'], subject: string): Promise<number> {
    let ended = 0;
    for (const [hash, entry] of this.#entries) {
      const entrySubject = entry.identity.kind === 'admin' ? entry.identity.id : entry.identity.user_id;
      if (entry.identity.kind === kind && entrySubject === subject) {
        this.#entries.delete(hash);
        ended++;
      }
    }
    await this.options.write('DELETE FROM console_sessions WHERE kind = $1 AND subject = $2', [kind, subject]);
    return ended;
  }

  csrfMatches(session: Session, presented: string | undefined): boolean {
    if (presented === undefined) return false;
    const expected = Buffer.from(session.csrf_token);
    const given = Buffer.from(presented);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }

  #sessionOf(id: string, identity: Identity, expiresAt: number): Session {
    const csrf = createHmac('sha256', this.options.csrfSecret).update(`csrf:${id}`).digest('base64url');
    return { identity, csrf_token: csrf, expires_at: expiresAt };
  }
}

const SESSION_COLUMNS = 'id_hash, kind, subject, admin_name, admin_scope, expires_at::DOUBLE AS expires_at';

function identityOf(row: SessionRow): Identity | null {
  if (row.kind === 'user') return { kind: 'user', user_id: row.subject };
  if (row.kind === 'admin' && (row.admin_scope === 'read-only' || row.admin_scope === 'operator' || row.admin_scope === 'owner')) {
    return { kind: 'admin', id: row.subject, name: row.admin_name ?? row.subject, scope: row.admin_scope };
  }
  return null;
}
