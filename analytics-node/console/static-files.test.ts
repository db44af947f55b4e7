// The console's files: immutable hashed assets, the SPA fallback, no escape from the folder,
// the API namespace left alone, and a clear 503 before the first build.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { temporaryDirectory } from '../test-support';
import { staticFiles } from './static-files';

const temporary = temporaryDirectory();
afterAll(() => temporary.remove());

describe('static files', () => {
  it('serve assets immutably, index.html for any other page, and nothing outside the folder', async () => {
    const dist = path.join(temporary.directory, 'dist');
    mkdirSync(path.join(dist, 'assets'), { recursive: true });
    writeFileSync(path.join(dist, 'index.html'), '<!doctype html><div id="root"></div>');
    writeFileSync(path.join(dist, 'assets', 'index-abc123.js'), 'console.log(1)');
    writeFileSync(path.join(temporary.directory, 'secret.txt'), 'do not serve');
    const files = staticFiles(dist);
    const asset = await files.request('/assets/index-abc123.js');
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(asset.headers.get('content-type')).toContain('text/javascript');
    for (const page of ['/', '/ops/channels/acme', '/invite/abc']) {
      const response = await files.request(page);
      expect(response.status, page).toBe(200);
      expect(await response.text()).toContain('id="root"');
      expect(response.headers.get('cache-control')).toBe('no-cache');
    }
    for (const escape of ['/assets/../../secret.txt', '/assets/%2e%2e/%2e%2e/secret.txt', '/assets/missing.js']) {
      const response = await files.request(escape);
      expect(await response.text(), escape).not.toContain('do not serve');
    }
    expect((await files.request('/api/nothing')).status).toBe(404);
    expect((await files.request('/login')).headers.get('location')).toBe('/');
  });

  it('say how to build the console when there is no build', async () => {
    const response = await staticFiles(path.join(temporary.directory, 'empty')).request('/');
    expect(response.status).toBe(503);
    expect(await response.text()).toContain('npm run console:build');
  });
});
