// Image sources between wire forms: data URLs ↔ base64 parts.
import type { ImageSource } from '../canonical';

const DATA_URL = /^data:([\w.+-]+\/[\w.+-]+)?(?:;[\w-]+=[^;,]*)*;base64,(.*)$/s;

/** A URL as an image source: `data:` URLs become base64, anything else stays a URL. */
export function imageFromUrl(url: string): ImageSource {
  const match = DATA_URL.exec(url);
  if (match) return { kind: 'base64', media_type: match[1] ?? 'image/png', data: match[2] ?? '' };
  return { kind: 'url', url };
}

export function imageToUrl(source: ImageSource): string {
  return source.kind === 'url' ? source.url : `data:${source.media_type};base64,${source.data}`;
}

/** A best guess at an image URL's media type from its extension (Gemini fileData needs one). */
export function mediaTypeFromUrl(url: string): string {
  const path = url.split(/[?#]/)[0]?.toLowerCase() ?? '';
  if (path.endsWith('.png')) return 'image/png';
  if (path.endsWith('.gif')) return 'image/gif';
  if (path.endsWith('.webp')) return 'image/webp';
  if (path.endsWith('.heic')) return 'image/heic';
  return 'image/jpeg';
}
