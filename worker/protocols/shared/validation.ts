// zod results → the gateway's invalid_request error, naming the path of the first problem
// (`messages[0].content[1].image_url.url`).
import type { z } from 'zod';
import type { GatewayError } from '../../errors';
import type { Result } from '../types';

type Issue = z.core.$ZodIssue;
type PathSegment = PropertyKey;

export function formatPath(path: readonly PathSegment[]): string {
  let output = '';
  for (const segment of path) {
    if (typeof segment === 'number') output += `[${segment}]`;
    else output += output === '' ? String(segment) : `.${String(segment)}`;
  }
  return output;
}

/** Follows unions into the branch that got furthest, so the path names the real culprit. */
function deepestIssue(issue: Issue, prefix: readonly PathSegment[]): { path: PathSegment[]; message: string } {
  const path = [...prefix, ...issue.path];
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    let best: { path: PathSegment[]; message: string } | null = null;
    for (const branch of issue.errors) {
      const first = branch[0];
      if (!first) continue;
      const candidate = deepestIssue(first, path);
      if (!best || candidate.path.length > best.path.length) best = candidate;
    }
    if (best) return best;
  }
  return { path, message: issue.message };
}

export function invalidFromIssues(issues: readonly Issue[]): GatewayError {
  const first = issues[0];
  if (!first) return { kind: 'invalid_request', message: 'Invalid request body.' };
  const { path, message } = deepestIssue(first, []);
  const param = formatPath(path);
  if (param === '') return { kind: 'invalid_request', message: `Invalid request body: ${message}` };
  return { kind: 'invalid_request', message: `Invalid value for '${param}': ${message}`, param };
}

export function validate<T>(schema: z.ZodType<T>, body: unknown): Result<T> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, error: invalidFromIssues(parsed.error.issues) };
}

export function unsupported(param: string, message: string): { ok: false; error: GatewayError } {
  return { ok: false, error: { kind: 'unsupported', message, param } };
}

export function invalid(param: string, message: string): { ok: false; error: GatewayError } {
  return { ok: false, error: { kind: 'invalid_request', message, param } };
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An upstream's embedding vector: an array of finite numbers, else null (never cast unchecked). */
export function numberVector(value: unknown): number[] | null {
  if (!Array.isArray(value)) return null;
  for (const item of value as unknown[]) if (typeof item !== 'number' || !Number.isFinite(item)) return null;
  return value as number[];
}

/**
 * A request of another operation reached code that serves one (a chat body where embeddings
 * are read, say): the dispatch's bug, never the caller's, so an internal error.
 */
export function wrongOperation(operation: string): { ok: false; error: GatewayError } {
  return { ok: false, error: { kind: 'internal', message: `A '${operation}' request cannot be translated here.` } };
}
