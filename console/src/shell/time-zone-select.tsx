import { useMemo } from 'react';
import { useAtom } from 'jotai';
import { Globe } from 'lucide-react';
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from '@/components/ui/select';
import { timeZoneAtom, timeZoneOptions } from '@/lib/time';

/** The zone every time and day boundary is shown in; kept in localStorage. */
export function TimeZoneSelect() {
  const [zone, setZone] = useAtom(timeZoneAtom);
  const zones = useMemo(() => timeZoneOptions(zone), [zone]);
  return (
    <div className="flex items-center gap-2">
      <Globe className="text-muted-foreground size-4" aria-hidden="true" />
      <Select value={zone} onValueChange={setZone}>
        <SelectTrigger size="sm" aria-label="Time zone" className="w-56">
          <SelectValue />
        </SelectTrigger>
        <SelectContent className="max-h-80">
          {zones.map((name) => (
            <SelectItem key={name} value={name}>
              {name}
            </SelectItem>
          ))}
        </SelectContent>
      </Select>
    </div>
  );
}
