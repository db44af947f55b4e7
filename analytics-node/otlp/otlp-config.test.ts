// The OpenTelemetry environment variables as the SDK specification defines them.
import { describe, expect, it } from 'vitest';
import { otlpConfigFromEnvironment, parseHeaders } from './otlp-config';

const configOf = (environment: Record<string, string>) => {
  const result = otlpConfigFromEnvironment(environment);
  if (!result.ok) throw new Error(result.error);
  return result.config;
};

describe('OTLP settings', () => {
  it('are off without an endpoint, when the SDK is disabled, or when another exporter is chosen', () => {
    expect(configOf({})).toBeNull();
    expect(configOf({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'true' })).toBeNull();
    expect(configOf({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_TRACES_EXPORTER: 'none' })).toBeNull();
  });

  it('append v1/traces to the base endpoint and use the per-signal endpoint as it is', () => {
    expect(configOf({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })!.url).toBe('http://collector:4318/v1/traces');
    expect(configOf({ OTEL_EXPORTER_OTLP_ENDPOINT: 'https://vendor.example/otlp/' })!.url).toBe('https://vendor.example/otlp/v1/traces');
    expect(configOf({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://b:9999/custom' })!.url).toBe('http://b:9999/custom');
  });

  it('read headers as percent-encoded key=value pairs, the per-signal variable winning', () => {
    expect(parseHeaders('api-key=a%20b%2Cc, X-Tenant = t1 ,')).toEqual({ 'api-key': 'a b,c', 'x-tenant': 't1' });
    expect(parseHeaders('novalue')).toBeNull();
    expect(parseHeaders('bad name=x')).toBeNull();
    const config = configOf({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a', OTEL_EXPORTER_OTLP_HEADERS: 'a=1,b=2', OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'b=3' })!;
    expect(config.headers).toEqual({ a: '1', b: '3' });
  });

  it('refuse what cannot work, naming the variable and never echoing a header value', () => {
    const refused = (environment: Record<string, string>) => {
      const result = otlpConfigFromEnvironment({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a', ...environment });
      return result.ok ? null : result.error;
    };
    expect(refused({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).toMatch(/OTEL_EXPORTER_OTLP_PROTOCOL/);
    expect(refused({ OTEL_EXPORTER_OTLP_ENDPOINT: 'ftp://a' })).toMatch(/ENDPOINT/);
    expect(refused({ OTEL_BSP_MAX_QUEUE_SIZE: '-1' })).toMatch(/OTEL_BSP_MAX_QUEUE_SIZE/);
    const error = refused({ OTEL_EXPORTER_OTLP_HEADERS: 'secret-token-value' });
    expect(error).toMatch(/OTEL_EXPORTER_OTLP_HEADERS/);
    expect(error).not.toContain('secret-token-value');
  });

  it('take the batch processor and timeout settings, with the SDK defaults', () => {
    expect(configOf({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a' })).toMatchObject({ timeoutMs: 10_000, maxQueueSize: 2_048, maxExportBatchSize: 512, scheduleDelayMs: 5_000, serviceName: 'switchboard-analytics-node' });
    expect(configOf({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a', OTEL_EXPORTER_OTLP_TIMEOUT: '1000', OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: '2000' })!.timeoutMs).toBe(2_000);
  });
});
