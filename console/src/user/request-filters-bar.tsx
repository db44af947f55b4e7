import type { FormEvent } from 'react';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from '@/components/ui/select';
import { DAY_RANGES, type RequestFilters } from './request-filters';

type SetSearch = (update: (previous: URLSearchParams) => URLSearchParams) => void;

/** Every change is written to the URL; the page reads its filters back from there. */
export function RequestFiltersBar({ filters, setSearch }: { filters: RequestFilters; setSearch: SetSearch }) {
  const set = (values: Record<string, string>) =>
    setSearch((previous) => {
      const next = new URLSearchParams(previous);
      for (const [name, value] of Object.entries(values)) {
        if (value === '' || value === 'all') next.delete(name);
        else next.set(name, value);
      }
      return next;
    });
  const submitText = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    set({ model: String(form.get('model') ?? '').trim(), key: String(form.get('key') ?? '').trim() });
  };
  return (
    <div className="flex flex-wrap items-end gap-4" role="search" aria-label="Filter requests">
      <div className="grid gap-2">
        <Label htmlFor="filter-days">Range</Label>
        <Select value={String(filters.days)} onValueChange={(value) => set({ days: value })}>
          <SelectTrigger id="filter-days" className="w-36">
            <SelectValue />
          </SelectTrigger>
          <SelectContent>
            {DAY_RANGES.map((value) => (
              <SelectItem key={value} value={value}>
                {value === '1' ? 'Today' : `Last ${value} days`}
              </SelectItem>
            ))}
          </SelectContent>
        </Select>
      </div>
      <div className="grid gap-2">
        <Label htmlFor="filter-status">Outcome</Label>
        <Select value={filters.status} onValueChange={(value) => set({ status: value })}>
          <SelectTrigger id="filter-status" className="w-32">
            <SelectValue />
          </SelectTrigger>
          <SelectContent>
            <SelectItem value="all">All</SelectItem>
            <SelectItem value="ok">Answered</SelectItem>
            <SelectItem value="error">Failed</SelectItem>
          </SelectContent>
        </Select>
      </div>
      <form className="flex items-end gap-4" onSubmit={submitText} key={`${filters.model}|${filters.key}`}>
        <div className="grid gap-2">
          <Label htmlFor="filter-model">Model</Label>
          <Input id="filter-model" name="model" defaultValue={filters.model} className="w-44" placeholder="any" />
        </div>
        <div className="grid gap-2">
          <Label htmlFor="filter-key">Key id</Label>
          <Input id="filter-key" name="key" defaultValue={filters.key} className="w-44" placeholder="any" />
        </div>
        <Button type="submit" variant="secondary">Apply</Button>
      </form>
    </div>
  );
}
