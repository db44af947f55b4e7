// `--replay FROM..TO` (epoch ms or ISO times) or `--replay last:15m`: the window to replay.
export type WindowResult = { ok: true; value: { from: number; to: number } } | { ok: false; error: string };

const MAX_SPAN_MS = 7 * 86_400_000;
const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const USAGE = 'expected FROM..TO (epoch ms or ISO times, e.g. 2026-03-01T10:00Z..2026-03-01T10:15Z) or last:15m (s, m, h, d)';

export function parseReplayWindow(text: string, now: number): WindowResult {
  const trimmed = text.trim();
  const last = /^last:(\d+(?:\.\d+)?)([smhd])$/.exec(trimmed);
  let from: number;
  let to: number;
  if (last !== null) {
    to = now;
    from = now - Number(last[1]) * UNIT_MS[last[2]!]!;
  } else {
    const parts = trimmed.split('..');
    if (parts.length !== 2) return { ok: false, error: `--replay '${text}': ${USAGE}` };
    const start = instant(parts[0]!);
    const end = instant(parts[1]!);
    if (start === null) return { ok: false, error: `--replay: FROM '${parts[0]}' is not epoch ms or an ISO time` };
    if (end === null) return { ok: false, error: `--replay: TO '${parts[1]}' is not epoch ms or an ISO time` };
    from = start;
    to = end;
  }
  if (!(from < to)) return { ok: false, error: `--replay '${text}': FROM must be before TO` };
  if (to - from > MAX_SPAN_MS) return { ok: false, error: `--replay '${text}': at most 7 days at a time` };
  return { ok: true, value: { from, to } };
}

function instant(text: string): number | null {
  const value = text.trim();
  if (/^\d{1,15}$/.test(value)) return Number(value);
  // Only date-shaped text: Date.parse also accepts things like '1' or 'March'.
  if (!/^\d{4}-\d{2}-\d{2}/.test(value)) return null;
  const parsed = Date.parse(value);
  return Number.isFinite(parsed) ? parsed : null;
}
