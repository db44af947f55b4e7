// The runtime's floor: a bare fetch passthrough on workerd. UPSTREAM is a text binding
// (e.g. "http://127.0.0.1:8790"); the path and query are kept.
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    return fetch(env.UPSTREAM + url.pathname + url.search, {
      method: request.method,
      headers: request.headers,
      body: request.body,
    });
  },
};
