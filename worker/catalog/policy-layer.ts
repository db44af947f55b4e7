import { policyLayerSchema, type PolicyLayer } from '../config/schema';

/** Parse a stored JSON policy layer; a damaged value counts as empty rather than failing requests. */
export function parsePolicyLayer(text: string | null | undefined): PolicyLayer {
  if (!text) return {};
  try {
    const parsed = policyLayerSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}
