// Every displayed time goes through Day.js in the user's chosen zone. The zone defaults to the
// browser's, can be changed in the header, and is kept in localStorage; API calls send it as
// `tz` so day boundaries are computed server-side in the same zone.
import dayjs from 'dayjs';
import utc from 'dayjs/plugin/utc';
import timezone from 'dayjs/plugin/timezone';
import { atomWithStorage } from 'jotai/utils';

dayjs.extend(utc);
dayjs.extend(timezone);

export { dayjs };

export function browserTimeZone(): string {
  return dayjs.tz.guess() || 'UTC';
}

export const timeZoneAtom = atomWithStorage<string>('switchboard.time-zone', browserTimeZone(), undefined, {
  getOnInit: true,
});

/** The zones the select offers: the platform's list, with the current one always present. */
export function timeZoneOptions(current: string): string[] {
  const supported = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  const zones = new Set<string>(['UTC', ...supported]);
  zones.add(current);
  return [...zones].sort((a, b) => a.localeCompare(b));
}

/** 2026-12-06 14:03:22 in the zone. */
export function formatDateTime(epochMs: number, zone: string): string {
  return dayjs(epochMs).tz(zone).format('YYYY-MM-DD HH:mm:ss');
}

/** 14:03:22 in the zone. */
export function formatTime(epochMs: number, zone: string): string {
  return dayjs(epochMs).tz(zone).format('HH:mm:ss');
}

/** 2026-12-06 in the zone. */
export function formatDay(epochMs: number, zone: string): string {
  return dayjs(epochMs).tz(zone).format('YYYY-MM-DD');
}

/** "3 min ago", "2 h ago", "5 d ago" — coarse on purpose: for last-used columns. */
export function formatAgo(epochMs: number, now: number = Date.now()): string {
  const seconds = Math.max(0, Math.round((now - epochMs) / 1000));
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.round(seconds / 3600)} h ago`;
  return `${Math.round(seconds / 86_400)} d ago`;
}

/** Epoch ms of the start of the day `days` ago in the zone (0 = today). */
export function startOfDayAgo(days: number, zone: string, now: number = Date.now()): number {
  return dayjs(now).tz(zone).startOf('day').subtract(days, 'day').valueOf();
}
