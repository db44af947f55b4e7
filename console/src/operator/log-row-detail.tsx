// A log row's detail: the request's whole retry chain (GET /api/ops/requests/{id}) as a
// waterfall and as a table, with a link to the explorer for the routing decision.
import { useAtomValue } from 'jotai';
import { Link } from 'wouter';
import { X } from 'lucide-react';
import { Button } from '@/components/ui/button';
import { Card, CardAction, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { formatInteger, formatMs, formatUsd } from '@/lib/format';
import { formatTime, timeZoneAtom } from '@/lib/time';
import { AttemptWaterfall } from './attempt-waterfall';
import { ErrorLine } from './page-parts';
import { useApi } from './use-api';
import type { RequestDetail } from './types';

export function LogRowDetail({ requestId, onClose }: { requestId: string; onClose: () => void }) {
  const zone = useAtomValue(timeZoneAtom);
  const detail = useApi<RequestDetail>(`/api/ops/requests/${encodeURIComponent(requestId)}`);
  const attempts = detail.data?.attempts ?? [];
  return (
    <Card className="mt-4" data-testid="row-detail">
      <CardHeader>
        <CardTitle>
          Retry chain of <span className="font-mono text-sm">{requestId}</span>
        </CardTitle>
        <CardAction>
          <Button variant="ghost" size="icon" aria-label="Close the request detail" onClick={onClose}>
            <X />
          </Button>
        </CardAction>
      </CardHeader>
      <CardContent className="grid gap-3">
        <ErrorLine error={detail.error} />
        <AttemptWaterfall attempts={attempts} />
        <Table aria-label="Attempts of this request">
          <TableHeader>
            <TableRow>
              <TableHead>#</TableHead>
              <TableHead>Start</TableHead>
              <TableHead>Channel</TableHead>
              <TableHead>Status</TableHead>
              <TableHead>Error</TableHead>
              <TableHead>TTFT</TableHead>
              <TableHead>Duration</TableHead>
              <TableHead>Tokens in / out</TableHead>
              <TableHead>Cost</TableHead>
              <TableHead>Charge</TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {attempts.map((attempt) => (
              <TableRow key={attempt.attempt} data-attempt={attempt.attempt}>
                <TableCell>
                  {attempt.attempt}
                  {attempt.final ? ' (final)' : ''}
                </TableCell>
                <TableCell className="tabular-nums">{formatTime(attempt.ts_start, zone)}</TableCell>
                <TableCell>{attempt.channel_id}</TableCell>
                <TableCell>{attempt.status}</TableCell>
                <TableCell>{attempt.error_class === 'none' ? '—' : `${attempt.error_class}: ${attempt.error_message}`}</TableCell>
                <TableCell>{formatMs(attempt.ttft_ms)}</TableCell>
                <TableCell>{formatMs(attempt.duration_ms)}</TableCell>
                <TableCell>
                  {formatInteger(attempt.input_tokens)} / {formatInteger(attempt.output_tokens)}
                </TableCell>
                <TableCell>{formatUsd(attempt.cost_usd)}</TableCell>
                <TableCell>{formatUsd(attempt.price_usd)}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
        <Link href={`/explorer/${encodeURIComponent(requestId)}`} className="text-sm underline-offset-2 hover:underline">
          Why it went there (routing explorer) →
        </Link>
      </CardContent>
    </Card>
  );
}
