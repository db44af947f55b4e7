// Add or edit a channel with its models and costs. The credential is write-only: a password
// field that starts empty, is never filled from the server (which never returns it), and is
// sent only when the operator typed something — leaving it empty keeps the stored one.
import { useState, type FormEvent } from 'react';
import { Plus, Trash2 } from 'lucide-react';
import { Button } from '@/components/ui/button';
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from '@/components/ui/dialog';
import { api } from '@/lib/api';
import { ErrorLine, Field, NativeSelect } from './page-parts';
import { messageOf } from './use-api';
import type { ChannelInput, ChannelView } from './types';

const DIALECTS = ['openai', 'openai-responses', 'anthropic', 'gemini'] as const;

interface ModelDraft {
  model: string;
  upstream_model: string;
  input: string;
  output: string;
  cached: string;
}

export interface ChannelFormProps {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  /** The channel to edit; absent to add one. */
  channel?: ChannelView;
  catalog: string[];
  onSaved: () => void;
}

export function ChannelForm({ open, onOpenChange, channel, catalog, onSaved }: ChannelFormProps) {
  const editing = channel !== undefined;
  const [id, setId] = useState(channel?.id ?? '');
  const [type, setType] = useState<string>(channel?.type ?? 'openai');
  const [baseUrl, setBaseUrl] = useState(channel?.base_url ?? '');
  const [apiKey, setApiKey] = useState('');
  const [weight, setWeight] = useState(String(channel?.weight ?? 1));
  const [priority, setPriority] = useState(String(channel?.priority ?? 0));
  const [models, setModels] = useState<ModelDraft[]>(
    channel?.models.map((entry) => ({
      model: entry.model,
      upstream_model: entry.upstream_model ?? '',
      input: String(entry.cost.input_per_mtok),
      output: String(entry.cost.output_per_mtok),
      cached: entry.cost.cached_input_per_mtok === undefined ? '' : String(entry.cost.cached_input_per_mtok),
    })) ?? [{ model: catalog[0] ?? '', upstream_model: '', input: '0', output: '0', cached: '' }],
  );
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  const update = (index: number, patch: Partial<ModelDraft>) => setModels((current) => current.map((entry, at) => (at === index ? { ...entry, ...patch } : entry)));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSaving(true);
    setError(null);
    const body: Partial<ChannelInput> = {
      type: type as ChannelInput['type'],
      base_url: baseUrl,
      weight: Number(weight),
      priority: Number(priority),
      models: models.map((entry) => ({
        model: entry.model,
        ...(entry.upstream_model ? { upstream_model: entry.upstream_model } : {}),
        cost: {
          input_per_mtok: Number(entry.input),
          output_per_mtok: Number(entry.output),
          ...(entry.cached !== '' ? { cached_input_per_mtok: Number(entry.cached) } : {}),
        },
      })),
      // Write-only: sent only when typed, so an edit never blanks the stored credential.
      ...(apiKey !== '' ? { api_key: apiKey } : {}),
    };
    try {
      if (editing) await api.patch(`/api/admin/channels/${encodeURIComponent(channel.id)}`, body);
      else await api.post('/api/admin/channels', { ...body, id });
      setApiKey('');
      onSaved();
      onOpenChange(false);
    } catch (reason) {
      setError(messageOf(reason));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent className="max-h-[90vh] overflow-auto sm:max-w-2xl">
        <DialogHeader>
          <DialogTitle>{editing ? `Edit ${channel.id}` : 'Add a channel'}</DialogTitle>
          <DialogDescription>Models and what the channel costs us per million tokens. The credential is never shown.</DialogDescription>
        </DialogHeader>
        <form onSubmit={submit} className="grid gap-3" aria-label="Channel">
          <div className="grid gap-3 sm:grid-cols-2">
            <Field id="channel-id" label="Id" value={id} onChange={(event) => setId(event.target.value)} disabled={editing} required />
            <NativeSelect id="channel-type" label="Dialect" value={type} onChange={(event) => setType(event.target.value)} options={DIALECTS} />
            <Field id="channel-base-url" label="Base URL" value={baseUrl} onChange={(event) => setBaseUrl(event.target.value)} required className="sm:col-span-2" />
            <Field
              id="channel-api-key"
              label={editing && channel.api_key_set ? 'API key (stored; type to replace)' : 'API key'}
              type="password"
              autoComplete="new-password"
              value={apiKey}
              onChange={(event) => setApiKey(event.target.value)}
              placeholder={editing && channel.api_key_set ? '•••••••• (unchanged)' : 'literal or env:NAME'}
              className="sm:col-span-2"
            />
            <Field id="channel-weight" label="Weight" type="number" min={0} step="any" value={weight} onChange={(event) => setWeight(event.target.value)} />
            <Field id="channel-priority" label="Priority" type="number" step={1} value={priority} onChange={(event) => setPriority(event.target.value)} />
          </div>
          <fieldset className="grid gap-2 rounded-md border p-3">
            <legend className="px-1 text-sm font-medium">Models and costs (USD per million tokens)</legend>
            {models.map((entry, index) => (
              <div key={index} className="grid grid-cols-2 items-end gap-2 sm:grid-cols-[1.4fr_1.4fr_1fr_1fr_1fr_auto]">
                <NativeSelect id={`channel-model-${index}`} label="Model" value={entry.model} onChange={(event) => update(index, { model: event.target.value })} options={catalog} />
                <Field id={`channel-upstream-${index}`} label="Upstream model" value={entry.upstream_model} onChange={(event) => update(index, { upstream_model: event.target.value })} placeholder="same" />
                <Field id={`channel-input-${index}`} label="Input" type="number" min={0} step="any" value={entry.input} onChange={(event) => update(index, { input: event.target.value })} />
                <Field id={`channel-output-${index}`} label="Output" type="number" min={0} step="any" value={entry.output} onChange={(event) => update(index, { output: event.target.value })} />
                <Field id={`channel-cached-${index}`} label="Cached" type="number" min={0} step="any" value={entry.cached} onChange={(event) => update(index, { cached: event.target.value })} />
                <Button type="button" variant="ghost" size="icon" aria-label={`Remove model ${index + 1}`} disabled={models.length === 1} onClick={() => setModels((current) => current.filter((_, at) => at !== index))}>
                  <Trash2 />
                </Button>
              </div>
            ))}
            <Button type="button" variant="outline" size="sm" className="w-fit" onClick={() => setModels((current) => [...current, { model: catalog[0] ?? '', upstream_model: '', input: '0', output: '0', cached: '' }])}>
              <Plus /> Add a model
            </Button>
          </fieldset>
          <ErrorLine error={error} />
          <DialogFooter>
            <Button type="submit" disabled={saving}>
              {editing ? 'Save' : 'Add channel'}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
