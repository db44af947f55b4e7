// The filter inputs of the log and the explorer. Text fields apply on Enter or blur (not per
// keystroke, so a half-typed id does not fire a query); selects apply at once.
import { useEffect, useState } from 'react';
import { Button } from '@/components/ui/button';
import { Field, NativeSelect } from './page-parts';
import type { FilterName, Filters } from './log-filters';

const TEXT_FILTERS: ReadonlyArray<{ name: FilterName; label: string; placeholder?: string }> = [
  { name: 'from', label: 'From', placeholder: 'ISO or epoch ms' },
  { name: 'to', label: 'To', placeholder: 'ISO or epoch ms' },
  { name: 'channel', label: 'Channel' },
  { name: 'model', label: 'Model' },
  { name: 'user', label: 'User' },
  { name: 'key', label: 'Key' },
];

export function FilterBar({ filters, onChange, idPrefix, compact = false }: { filters: Filters; onChange: (next: Filters) => void; idPrefix: string; compact?: boolean }) {
  const [draft, setDraft] = useState<Filters>(filters);
  useEffect(() => setDraft(filters), [filters]);
  const apply = (next: Filters) => onChange(next);
  const textFilters = compact ? TEXT_FILTERS.filter((entry) => entry.name !== 'key') : TEXT_FILTERS;
  return (
    <form
      className="mb-3 flex flex-wrap items-end gap-2"
      aria-label="Filters"
      onSubmit={(event) => {
        event.preventDefault();
        apply(draft);
      }}
    >
      {textFilters.map((entry) => (
        <Field
          key={entry.name}
          id={`${idPrefix}-${entry.name}`}
          label={entry.label}
          value={draft[entry.name] ?? ''}
          placeholder={entry.placeholder}
          className="w-36"
          onChange={(event) => setDraft({ ...draft, [entry.name]: event.target.value })}
          onBlur={() => apply(draft)}
        />
      ))}
      <NativeSelect id={`${idPrefix}-status`} label="Status" value={filters.status ?? ''} onChange={(event) => apply({ ...draft, status: event.target.value })} options={['', 'ok', 'error', '429', '500', '502', '503', '504']} />
      {compact ? null : (
        <>
          <NativeSelect
            id={`${idPrefix}-error-class`}
            label="Error class"
            value={filters.error_class ?? ''}
            onChange={(event) => apply({ ...draft, error_class: event.target.value })}
            options={['', 'none', 'connection', 'timeout', 'rate_limit', 'server', 'client', 'mid_stream', 'cancelled']}
          />
          <NativeSelect id={`${idPrefix}-stream`} label="Stream" value={filters.stream ?? ''} onChange={(event) => apply({ ...draft, stream: event.target.value })} options={['', 'true', 'false']} />
          <NativeSelect id={`${idPrefix}-final`} label="Final" value={filters.final ?? ''} onChange={(event) => apply({ ...draft, final: event.target.value })} options={['', 'true', 'false']} />
        </>
      )}
      <Button type="submit" variant="outline">
        Apply
      </Button>
      <Button type="button" variant="ghost" onClick={() => apply({})}>
        Clear
      </Button>
    </form>
  );
}
