// Fleet files: `{ "providers": [ { "name": "...", "dialect": "openai", ...behaviour } ] }`.
import { readFile } from 'node:fs/promises';
import { describeZodError, fleetSchema, type ProviderSpec } from './behaviour';

export async function loadFleet(file: string): Promise<ProviderSpec[]> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new Error(`Cannot read fleet file ${file}: ${(error as Error).message}`);
  }
  const fleet = fleetSchema.safeParse(json);
  if (!fleet.success) throw new Error(`Invalid fleet file ${file}: ${describeZodError(fleet.error)}`);
  return fleet.data.providers;
}
