import { createColumnHelper } from '@tanstack/react-table';
import type { UserRequestRow } from '../../../analytics-node/console/api-types';
import { Badge } from '@/components/ui/badge';
import type { BasicFeatures } from '@/components/ui/data-table';
import { formatInteger, formatMs, formatUsd } from '@/lib/format';
import { formatDateTime } from '@/lib/time';

const helper = createColumnHelper<BasicFeatures, UserRequestRow>();

export const REQUEST_NUMERIC_COLUMNS = ['attempts', 'input_tokens', 'cached_input_tokens', 'output_tokens', 'spend_usd', 'ttft_ms'];

export function requestColumns(zone: string) {
  return helper.columns([
    helper.accessor('ts', { header: 'Time', cell: (cell) => formatDateTime(cell.getValue(), zone) }),
    helper.accessor('model', { header: 'Model' }),
    helper.accessor('key_id', { header: 'Key', cell: (cell) => <code className="text-xs">{cell.getValue()}</code> }),
    helper.accessor('status', {
      header: 'Status',
      cell: (cell) => <Badge variant={cell.getValue() < 400 ? 'success' : 'destructive'}>{cell.getValue()}</Badge>,
    }),
    helper.accessor('error_explained', {
      header: 'What happened',
      cell: (cell) => (
        <span className="inline-block max-w-md text-wrap">{cell.getValue() === '' ? 'Answered' : cell.getValue()}</span>
      ),
    }),
    helper.accessor('attempts', { header: 'Attempts', cell: (cell) => formatInteger(cell.getValue()) }),
    helper.accessor('input_tokens', { header: 'Input', cell: (cell) => formatInteger(cell.getValue()) }),
    helper.accessor('cached_input_tokens', { header: 'Cached', cell: (cell) => formatInteger(cell.getValue()) }),
    helper.accessor('output_tokens', { header: 'Output', cell: (cell) => formatInteger(cell.getValue()) }),
    helper.accessor('spend_usd', { header: 'Spend', cell: (cell) => formatUsd(cell.getValue()) }),
    helper.accessor('ttft_ms', { header: 'First token', cell: (cell) => formatMs(cell.getValue()) }),
  ]);
}
