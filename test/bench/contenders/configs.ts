// Config files for the contenders that are not Node programs: workerd (capnp) and nginx.
import fs from 'node:fs';
import path from 'node:path';

export function writeWorkerdConfig(dir: string, port: number, upstream: string): string {
  fs.mkdirSync(dir, { recursive: true });
  fs.copyFileSync(path.join(import.meta.dirname, 'passthrough-worker.js'), path.join(dir, 'passthrough-worker.js'));
  const file = path.join(dir, 'passthrough.capnp');
  fs.writeFileSync(
    file,
    `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "main", worker = .passthrough),
    (name = "net", network = (allow = ["public", "private", "local"])),
  ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ],
);

const passthrough :Workerd.Worker = (
  modules = [ (name = "passthrough-worker.js", esModule = embed "passthrough-worker.js") ],
  compatibilityDate = "2026-04-20",
  bindings = [ (name = "UPSTREAM", text = "${upstream}") ],
  globalOutbound = "net",
);
`,
  );
  return file;
}

export function writeNginxConfig(dir: string, port: number, upstreamPort: number): string {
  fs.mkdirSync(path.join(dir, 'temp'), { recursive: true });
  const file = path.join(dir, 'nginx.conf');
  fs.writeFileSync(
    file,
    `worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 32768; }
worker_rlimit_nofile 65535;
http {
  access_log off;
  client_body_temp_path ${dir}/temp;
  proxy_temp_path ${dir}/temp;
  fastcgi_temp_path ${dir}/temp;
  uwsgi_temp_path ${dir}/temp;
  scgi_temp_path ${dir}/temp;
  tcp_nodelay on;
  keepalive_timeout 600s;
  keepalive_requests 1000000;
  upstream simulator {
    server 127.0.0.1:${upstreamPort};
    keepalive 256;
    keepalive_requests 1000000;
    keepalive_timeout 600s;
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://simulator;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffering off;
      proxy_request_buffering off;
    }
  }
}
`,
  );
  return file;
}
