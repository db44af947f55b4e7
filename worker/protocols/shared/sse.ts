// SSE framing: one complete frame per call, with multi-line data split into data lines.

export function sseFrame(data: string, event?: string): string {
  const lines = data.includes('\n') ? data.split('\n').map((line) => `data: ${line}`).join('\n') : `data: ${data}`;
  return event === undefined ? `${lines}\n\n` : `event: ${event}\n${lines}\n\n`;
}
