/** tus 1.0.0 resumable uploads (https://tus.io/protocols/resumable-upload): the parts we need, as pure helpers. */
export const TUS_VERSION = '1.0.0';
export const TUS_EXTENSIONS = 'creation,termination';

/** `Upload-Metadata: key base64,key2 base64` → a map; a key without a value maps to ''. */
export function parseUploadMetadata(header: string | undefined): Map<string, string> | 'invalid' {
  const out = new Map<string, string>();
  if (!header || header.trim() === '') return out;
  for (const pair of header.split(',')) {
    const [key, value, extra] = pair.trim().split(' ');
    if (!key || extra !== undefined || !/^[\x21-\x7e]+$/.test(key) || out.has(key)) return 'invalid';
    if (value === undefined) {
      out.set(key, '');
      continue;
    }
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(value)) return 'invalid';
    const bytes = Buffer.from(value, 'base64');
    const text = new TextDecoder('utf-8', { fatal: true });
    try {
      out.set(key, text.decode(bytes));
    } catch {
      return 'invalid';
    }
  }
  return out;
}

/** A non-negative safe integer header, or undefined. */
export function intHeader(v: string | string[] | undefined): number | undefined {
  if (typeof v !== 'string' || !/^\d{1,16}$/.test(v)) return undefined;
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : undefined;
}
