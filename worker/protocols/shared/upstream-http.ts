// Where and how every dialect's upstream request is sent: the URL under a channel's base, and
// the bearer-token headers that OpenAI-style APIs (Chat Completions, Responses) take.

/** `base_url` with any trailing slash dropped, then the path (channels are configured either way). */
export function joinUrl(baseUrl: string, path: string): string {
  return baseUrl.replace(/\/+$/, '') + path;
}

export function openaiHeaders(apiKey: string): Record<string, string> {
  return { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };
}
