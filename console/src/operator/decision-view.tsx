// Why a request went where it did: the router's candidates with their components and
// probability (a table with bars), the winner and the reason, and the attempts as a waterfall.
import { Badge } from '@/components/ui/badge';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { AttemptWaterfall } from './attempt-waterfall';
import type { DecisionCandidate, RequestDetail } from './types';

const COMPONENTS = ['margin', 'ttft', 'throughput', 'reliability', 'load'] as const;

export function DecisionView({ detail }: { detail: RequestDetail }) {
  const decision = detail.decision;
  const winner = decision?.plan[0] ?? detail.attempts[0]?.channel_id ?? null;
  const answered = detail.attempts.find((attempt) => attempt.final);
  return (
    <div className="grid gap-4" data-testid="decision-view">
      <Card>
        <CardHeader>
          <CardTitle>
            Request <span className="font-mono text-sm">{detail.request_id}</span>
          </CardTitle>
        </CardHeader>
        <CardContent className="grid gap-1 text-sm">
          <div>
            Winner: <strong data-testid="decision-winner">{winner ?? '—'}</strong>
            {answered && answered.channel_id !== winner ? <> · answered by <strong>{answered.channel_id}</strong> after {detail.attempts.length} attempts</> : null}
          </div>
          <div data-testid="decision-reason">Why: {decision?.reason ?? 'no decision record (an older worker, or a request refused before routing)'}</div>
          {decision ? (
            <div className="text-muted-foreground">
              mode {decision.mode} · rule {decision.rule} · temperature {decision.temperature} · exploration {decision.exploration} · score table v{decision.score_version} · {decision.total_candidates} candidates · plan {decision.plan.join(' → ')}
            </div>
          ) : null}
        </CardContent>
      </Card>
      {decision ? (
        <Card>
          <CardHeader>
            <CardTitle>Candidates</CardTitle>
          </CardHeader>
          <CardContent>
            <CandidateTable candidates={decision.candidates} winner={winner} />
          </CardContent>
        </Card>
      ) : null}
      <Card>
        <CardHeader>
          <CardTitle>Attempts</CardTitle>
        </CardHeader>
        <CardContent>
          <AttemptWaterfall attempts={detail.attempts} />
        </CardContent>
      </Card>
    </div>
  );
}

function CandidateTable({ candidates, winner }: { candidates: DecisionCandidate[]; winner: string | null }) {
  return (
    <Table aria-label="Candidates" data-testid="candidates">
      <TableHeader>
        <TableRow>
          <TableHead>Channel</TableHead>
          <TableHead>Model</TableHead>
          {COMPONENTS.map((name) => (
            <TableHead key={name}>{name}</TableHead>
          ))}
          <TableHead>Utility</TableHead>
          <TableHead className="w-48">Probability</TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {candidates.map((candidate) => (
          <TableRow key={`${candidate.channel_id}:${candidate.model}`} data-channel={candidate.channel_id} data-probability={candidate.probability}>
            <TableCell className="font-medium">
              {candidate.channel_id} {candidate.channel_id === winner ? <Badge>winner</Badge> : null}
              {candidate.rejected ? <Badge variant="outline">rejected: {candidate.rejected}</Badge> : null}
            </TableCell>
            <TableCell>{candidate.model}</TableCell>
            {COMPONENTS.map((name) => (
              <TableCell key={name} className="tabular-nums">
                {candidate.components ? candidate.components[name].toFixed(2) : '—'}
              </TableCell>
            ))}
            <TableCell className="tabular-nums">{candidate.utility.toFixed(3)}</TableCell>
            <TableCell>
              <div className="flex items-center gap-2">
                <div className="bg-muted h-2 flex-1 rounded">
                  <div className="bg-primary h-2 rounded" style={{ width: `${(candidate.probability * 100).toFixed(1)}%` }} />
                </div>
                <span className="w-12 text-right tabular-nums">{(candidate.probability * 100).toFixed(1)}%</span>
              </div>
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
