// "Test now": one real request through the channel (POST /api/admin/channels/{id}/test) and
// its result shown beside the button.
import { useState } from 'react';
import { Button } from '@/components/ui/button';
import { api } from '@/lib/api';
import { formatMs } from '@/lib/format';
import { messageOf } from './use-api';
import type { ChannelTestResult } from './types';

export function ChannelTestButton({ channelId }: { channelId: string }) {
  const [result, setResult] = useState<ChannelTestResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [running, setRunning] = useState(false);
  const run = async () => {
    setRunning(true);
    setError(null);
    setResult(null);
    try {
      setResult(await api.post<ChannelTestResult>(`/api/admin/channels/${encodeURIComponent(channelId)}/test`));
    } catch (reason) {
      setError(messageOf(reason));
    } finally {
      setRunning(false);
    }
  };
  return (
    <div className="flex items-center gap-2">
      <Button size="sm" variant="outline" onClick={run} disabled={running} aria-label={`Test ${channelId} now`}>
        {running ? 'Testing…' : 'Test now'}
      </Button>
      <span role="status" className="text-xs" data-testid="channel-test-result">
        {error ? <span className="text-destructive">{error}</span> : null}
        {result ? (
          <span className={result.ok ? 'text-success' : 'text-destructive'}>
            {result.ok ? 'ok' : 'failed'}
            {result.status !== undefined ? ` ${result.status}` : ''}
            {result.ttft_ms !== undefined && result.ttft_ms !== null ? `, TTFT ${formatMs(result.ttft_ms)}` : ''}
            {result.duration_ms !== undefined ? `, ${formatMs(result.duration_ms)}` : ''}
            {result.error ? `: ${result.error}` : ''}
          </span>
        ) : null}
      </span>
    </div>
  );
}
