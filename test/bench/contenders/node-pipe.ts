// The floor of one extra hop: a bare node:http reverse proxy with a keep-alive upstream pool.
// `tsx node-pipe.ts <upstreamPort>`; prints "READY {port}".
import http from 'node:http';

const upstreamPort = Number(process.argv[2]);
const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity, keepAliveMsecs: 10_000 });

const server = http.createServer({ keepAlive: true, noDelay: true, requestTimeout: 0 }, (request, response) => {
  const upstream = http.request(
    { host: '127.0.0.1', port: upstreamPort, method: request.method, path: request.url, headers: request.headers, agent },
    (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
    },
  );
  upstream.on('socket', (socket) => socket.setNoDelay(true));
  upstream.on('error', () => {
    if (!response.headersSent) response.writeHead(502).end();
    else response.destroy();
  });
  request.pipe(upstream);
});
server.keepAliveTimeout = 600_000;
server.headersTimeout = 0;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`READY ${JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 })}\n`);
});
process.on('SIGTERM', () => process.exit(0));
