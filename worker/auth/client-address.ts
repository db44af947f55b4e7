// The client address failed authentications are counted against. Cloudflare sets
// cf-connecting-ip on every request it forwards (a client cannot choose it); Miniflare sets it
// from the socket address locally. Without it (only a test calling the handler directly) there
// is nothing to count against and the guard stays out of the way.

/** The address, with IPv6 reduced to its /64: one host usually holds a whole /64. */
export function clientAddress(request: Request): string | null {
  const header = request.headers.get('cf-connecting-ip')?.trim();
  if (!header) return null;
  if (!header.includes(':')) return header;
  return `${ipv6Prefix(header)}::/64`;
}

/** The first four groups of an IPv6 address, expanded ("2001:db8::1" → "2001:db8:0:0"). */
function ipv6Prefix(address: string): string {
  const bare = address.replace(/^\[|\]$/g, '').split('%')[0]!.toLowerCase();
  const [head = '', tail] = bare.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
  const missing = Math.max(0, 8 - headGroups.length - tailGroups.length);
  const groups = tail === undefined ? headGroups : [...headGroups, ...Array<string>(missing).fill('0'), ...tailGroups];
  return groups.slice(0, 4).map((group) => group.replace(/^0+(?=.)/, '')).join(':');
}
