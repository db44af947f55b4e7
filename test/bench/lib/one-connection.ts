// One keep-alive connection per target, one request at a time: the latency probe.
import http from 'node:http';

export interface Probe {
  /** Whole response (non-streaming) or time to the first content chunk (streaming), ms. */
  firstMs: number;
  /** Streaming only: (last chunk − first content chunk) / (content chunks − 1), ms. */
  perChunkMs: number;
  chunks: number;
  status: number;
}

const CONTENT = /"content":"[^"]/g;

export function oneConnection(url: string, headers: Record<string, string>) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1, keepAliveMsecs: 10_000 });
  const target = new URL(url);
  return {
    request(body: string, stream: boolean): Promise<Probe> {
      return new Promise((resolve, reject) => {
        const start = performance.now();
        const request = http.request(
          {
            host: target.hostname,
            port: target.port,
            path: target.pathname + target.search,
            method: 'POST',
            agent,
            headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers },
          },
          (response) => {
            let first = -1;
            let last = start;
            let text = '';
            response.setEncoding('utf8');
            response.on('data', (chunk: string) => {
              const now = performance.now();
              text += chunk;
              if (stream && first < 0 && CONTENT.test(text)) first = now;
              CONTENT.lastIndex = 0;
              last = now;
            });
            response.on('end', () => {
              const end = performance.now();
              const chunks = stream ? (text.match(CONTENT)?.length ?? 0) : 1;
              if (!stream) return resolve({ firstMs: end - start, perChunkMs: 0, chunks, status: response.statusCode ?? 0 });
              const firstAt = first < 0 ? end : first;
              resolve({ firstMs: firstAt - start, perChunkMs: chunks > 1 ? (last - firstAt) / (chunks - 1) : 0, chunks, status: response.statusCode ?? 0 });
            });
            response.on('error', reject);
          },
        );
        request.on('socket', (socket) => socket.setNoDelay(true));
        request.on('error', reject);
        request.end(body);
      });
    },
    close: () => agent.destroy(),
  };
}
