// Read and validate a config file before anything starts: a wrong config fails fast with
// the path of the bad field.
import fs from 'node:fs/promises';
import { validateConfig } from '../worker/config/schema';

export async function loadConfigFile(file: string): Promise<unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await fs.readFile(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file}: ${error instanceof Error ? error.message : 'cannot be read'}`);
  }
  const result = validateConfig(parsed);
  if (!result.ok) throw new Error(`${file}: ${result.error.path}: ${result.error.message}`);
  return parsed;
}
