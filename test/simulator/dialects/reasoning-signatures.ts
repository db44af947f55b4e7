// Opaque reasoning state the simulated providers hand out and check when it comes back, as the
// real ones do: Anthropic thinking `signature`, Responses `encrypted_content`, Gemini
// `thoughtSignature`. A value is base64 of "sbsim1|<issuer>|<content digest>|<check>", so it
// looks opaque to a gateway yet the simulator recognises its own (and the dialect that made
// it) without remembering anything: state minted by one simulated provider is accepted by any
// provider of the same dialect, like a real provider's state is across its deployments.
import { hashString } from '../random';

export type StateIssuer = 'anthropic' | 'openai-responses' | 'gemini';

const MARK = 'sbsim1';
const CHECK_SEED = 0x51a7e;

/** Gemini documents these values as "skip validation" for histories made elsewhere. */
export const GEMINI_SKIP_SIGNATURES: ReadonlySet<string> = new Set(['skip_thought_signature_validator', 'context_engineering_is_the_way_to_go']);

function digest(content: string): string {
  return hashString(content, 0x1d).toString(16).padStart(8, '0');
}

function check(issuer: StateIssuer, contentDigest: string): string {
  return hashString(`${issuer}|${contentDigest}`, CHECK_SEED).toString(16).padStart(8, '0');
}

/**
 * A deterministic signature over `content`: the same content from the same dialect always
 * gets the same value. Anthropic binds it to the thinking text (an edited thinking block is
 * rejected, as Anthropic rejects it); the others sign the reply they belong to.
 */
export function signState(issuer: StateIssuer, content: string): string {
  const contentDigest = digest(content);
  return Buffer.from(`${MARK}|${issuer}|${contentDigest}|${check(issuer, contentDigest)}`, 'utf8').toString('base64');
}

/** True when `value` was made by `issuer` (and, when given, over exactly `content`). */
export function isOwnState(issuer: StateIssuer, value: unknown, content?: string): boolean {
  if (typeof value !== 'string' || value.length === 0 || !/^[A-Za-z0-9+/]+=*$/.test(value)) return false;
  const fields = Buffer.from(value, 'base64').toString('utf8').split('|');
  if (fields.length !== 4 || fields[0] !== MARK || fields[1] !== issuer) return false;
  if (fields[3] !== check(issuer, fields[2]!)) return false;
  return content === undefined || fields[2] === digest(content);
}
