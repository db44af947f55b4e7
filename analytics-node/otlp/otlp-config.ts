// OTLP trace export settings from the OpenTelemetry SDK environment variables. Off unless an
// endpoint is set. Only OTLP/HTTP with JSON encoding is spoken. Header values are secrets
// (API keys of a tracing vendor): errors name the variable, never its value.

export interface OtlpConfig {
  /** Where spans are POSTed (…/v1/traces). */
  url: string;
  headers: Record<string, string>;
  /** One batch's export, retries included, gives up after this long. */
  timeoutMs: number;
  serviceName: string;
  maxQueueSize: number;
  maxExportBatchSize: number;
  scheduleDelayMs: number;
}

export type OtlpConfigResult =
  | { ok: true; config: OtlpConfig | null; warnings: string[] }
  | { ok: false; error: string };

type Environment = Readonly<Record<string, string | undefined>>;

const DEFAULTS = { timeoutMs: 10_000, maxQueueSize: 2_048, maxExportBatchSize: 512, scheduleDelayMs: 5_000 };
export const DEFAULT_SERVICE_NAME = 'switchboard-analytics-node';

function setting(environment: Environment, name: string): string | undefined {
  const value = environment[name]?.trim();
  return value ? value : undefined;
}

/** `OTEL_EXPORTER_OTLP_HEADERS`: `key=value` pairs separated by commas, values percent-encoded. */
export function parseHeaders(text: string): Record<string, string> | null {
  const headers: Record<string, string> = {};
  for (const pair of text.split(',')) {
    if (pair.trim() === '') continue;
    const equals = pair.indexOf('=');
    if (equals <= 0) return null;
    const name = pair.slice(0, equals).trim().toLowerCase();
    let value: string;
    try {
      value = decodeURIComponent(pair.slice(equals + 1).trim());
    } catch {
      return null;
    }
    if (!/^[!#$%&'*+.^_`|~0-9a-z-]+$/.test(name) || /[\r\n\0]/.test(value)) return null;
    headers[name] = value;
  }
  return headers;
}

function tracesUrl(environment: Environment): string | undefined {
  const signal = setting(environment, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT');
  if (signal !== undefined) return signal; // the per-signal URL is used as it is
  const base = setting(environment, 'OTEL_EXPORTER_OTLP_ENDPOINT');
  if (base === undefined) return undefined;
  return `${base}${base.endsWith('/') ? '' : '/'}v1/traces`;
}

export function otlpConfigFromEnvironment(environment: Environment): OtlpConfigResult {
  const warnings: string[] = [];
  const url = tracesUrl(environment);
  if (url === undefined || setting(environment, 'OTEL_SDK_DISABLED')?.toLowerCase() === 'true') return { ok: true, config: null, warnings };
  const exporters = setting(environment, 'OTEL_TRACES_EXPORTER');
  if (exporters !== undefined && !exporters.split(',').map((name) => name.trim()).includes('otlp')) return { ok: true, config: null, warnings };

  let parsedUrl: URL;
  try {
    parsedUrl = new URL(url);
  } catch {
    return { ok: false, error: 'OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT: not a URL' };
  }
  if (parsedUrl.protocol !== 'http:' && parsedUrl.protocol !== 'https:') return { ok: false, error: 'OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT: must be http or https' };

  const protocol = setting(environment, 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL') ?? setting(environment, 'OTEL_EXPORTER_OTLP_PROTOCOL');
  if (protocol === 'grpc') return { ok: false, error: 'OTEL_EXPORTER_OTLP_PROTOCOL: grpc is not supported; the node speaks OTLP/HTTP with JSON (http/json)' };
  if (protocol !== undefined && protocol !== 'http/json') warnings.push(`OTEL_EXPORTER_OTLP_PROTOCOL is ${protocol}: the node sends http/json, which OTLP/HTTP receivers accept on the same path`);

  const headers: Record<string, string> = {};
  for (const name of ['OTEL_EXPORTER_OTLP_HEADERS', 'OTEL_EXPORTER_OTLP_TRACES_HEADERS']) {
    const text = setting(environment, name);
    if (text === undefined) continue;
    const parsed = parseHeaders(text);
    if (parsed === null) return { ok: false, error: `${name}: expected key=value pairs separated by commas` };
    Object.assign(headers, parsed); // the per-signal variable wins per header
  }

  const numbers = {
    timeoutMs: ['OTEL_EXPORTER_OTLP_TRACES_TIMEOUT', 'OTEL_EXPORTER_OTLP_TIMEOUT'],
    maxQueueSize: ['OTEL_BSP_MAX_QUEUE_SIZE'],
    maxExportBatchSize: ['OTEL_BSP_MAX_EXPORT_BATCH_SIZE'],
    scheduleDelayMs: ['OTEL_BSP_SCHEDULE_DELAY'],
  } as const;
  const values = { ...DEFAULTS };
  for (const [field, names] of Object.entries(numbers) as [keyof typeof DEFAULTS, readonly string[]][]) {
    const name = names.find((candidate) => setting(environment, candidate) !== undefined);
    if (name === undefined) continue;
    const value = Number(setting(environment, name));
    if (!Number.isInteger(value) || value <= 0) return { ok: false, error: `${name}: expected a positive whole number` };
    values[field] = value;
  }
  if (values.maxExportBatchSize > values.maxQueueSize) values.maxExportBatchSize = values.maxQueueSize;

  return {
    ok: true,
    config: { url: parsedUrl.toString(), headers, serviceName: setting(environment, 'OTEL_SERVICE_NAME') ?? DEFAULT_SERVICE_NAME, ...values },
    warnings,
  };
}
