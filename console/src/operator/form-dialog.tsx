// One dialog for the admin screens' small forms (create, edit, top up, issue a key): labelled
// fields, a submit that calls the API, the error in place, and — for a new key or an invite
// link — a result that is shown once, then gone when the dialog closes.
import { useState, type FormEvent, type ReactNode } from 'react';
import { Button } from '@/components/ui/button';
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from '@/components/ui/dialog';
import { ErrorLine, Field, NativeSelect } from './page-parts';
import { messageOf } from './use-api';

export interface FormField {
  name: string;
  label: string;
  type?: 'text' | 'number' | 'password';
  defaultValue?: string;
  options?: ReadonlyArray<string | { value: string; label: string }>;
  required?: boolean;
  placeholder?: string;
}

export type FormValues = Record<string, string>;

export interface FormDialogProps {
  title: string;
  description?: string;
  fields: FormField[];
  submitLabel: string;
  /** Resolves to something to show once (a new key), or nothing to close the dialog. */
  onSubmit: (values: FormValues) => Promise<ReactNode | void>;
  onClose: () => void;
}

export function FormDialog({ title, description, fields, submitLabel, onSubmit, onClose }: FormDialogProps) {
  const [values, setValues] = useState<FormValues>(() => Object.fromEntries(fields.map((field) => [field.name, field.defaultValue ?? ''])));
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<ReactNode>(null);
  const [saving, setSaving] = useState(false);
  const idOf = (name: string) => `form-${title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-${name}`;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSaving(true);
    setError(null);
    try {
      const shown = await onSubmit(values);
      if (shown) setResult(shown);
      else onClose();
    } catch (reason) {
      setError(messageOf(reason));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Dialog open onOpenChange={(open) => !open && onClose()}>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>{title}</DialogTitle>
          {description ? <DialogDescription>{description}</DialogDescription> : null}
        </DialogHeader>
        {result ? (
          <div className="grid gap-3" data-testid="shown-once">
            {result}
            <DialogFooter>
              <Button onClick={onClose}>Done</Button>
            </DialogFooter>
          </div>
        ) : (
          <form onSubmit={submit} className="grid gap-3" aria-label={title}>
            {fields.map((field) =>
              field.options ? (
                <NativeSelect
                  key={field.name}
                  id={idOf(field.name)}
                  label={field.label}
                  value={values[field.name] ?? ''}
                  options={field.options}
                  onChange={(event) => setValues({ ...values, [field.name]: event.target.value })}
                />
              ) : (
                <Field
                  key={field.name}
                  id={idOf(field.name)}
                  label={field.label}
                  type={field.type ?? 'text'}
                  step={field.type === 'number' ? 'any' : undefined}
                  required={field.required}
                  placeholder={field.placeholder}
                  value={values[field.name] ?? ''}
                  onChange={(event) => setValues({ ...values, [field.name]: event.target.value })}
                />
              ),
            )}
            <ErrorLine error={error} />
            <DialogFooter>
              <Button type="submit" disabled={saving}>
                {submitLabel}
              </Button>
            </DialogFooter>
          </form>
        )}
      </DialogContent>
    </Dialog>
  );
}

/** '' → null, else a number (the admin API takes null for "no limit"). */
export function numberOrNull(value: string | undefined): number | null {
  return value === undefined || value.trim() === '' ? null : Number(value);
}

/** A secret shown once, selectable, with the warning that it will not be shown again. */
export function ShownOnce({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <div className="grid gap-1">
      <p className="text-sm font-medium">{label}</p>
      <code className="bg-muted rounded p-2 text-sm break-all select-all" data-testid={testId}>
        {value}
      </code>
      <p className="text-muted-foreground text-xs">Copy it now: it is not shown again.</p>
    </div>
  );
}
