// SSE framing: one complete frame per call, with multi-line data split into data lines; and
// reading one upstream event's JSON without ever throwing.
import type { GatewayError } from '../../errors';
import { safeMessage } from './upstream-failure';

export function sseFrame(data: string, event?: string): string {
  const lines = data.includes('\n') ? data.split('\n').map((line) => `data: ${line}`).join('\n') : `data: ${data}`;
  return event === undefined ? `${lines}\n\n` : `event: ${event}\n${lines}\n\n`;
}

/**
 * An upstream stream event that is not a JSON object ends the stream as an upstream failure.
 * The client sees a generic message (a parser's message may quote upstream bytes); the start
 * of the event goes to the log, credentials scrubbed.
 */
export function unreadableStreamEvent(data: string): GatewayError {
  console.error(`upstream stream event could not be read: ${safeMessage(data.slice(0, 100))}`);
  return { kind: 'upstream', status: 502, error_class: 'server', message: 'The upstream sent an unreadable stream event.' };
}

/** One upstream stream event's JSON object (the first element when it is an array), or null. */
export function streamEventObject(data: string): Record<string, unknown> | null {
  try {
    const parsed: unknown = JSON.parse(data);
    const first: unknown = Array.isArray(parsed) ? parsed[0] : parsed;
    return typeof first === 'object' && first !== null && !Array.isArray(first) ? (first as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
