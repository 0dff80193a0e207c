/**
 * A minimal DER reader for the SES and CMS structures (GB/T 38540, GM/T 0031, GB/T 35275).
 *
 * Why not asn1js here: a signature covers the *exact* bytes of a sub-structure (TBS_Sign, SES_SealInfo,
 * signed attributes), so every element keeps its offsets into the input; nothing is ever re-encoded
 * except the one documented case (signed attributes, [0] IMPLICIT → SET). Only definite lengths are
 * accepted (DER); indefinite BER lengths, lengths past the end and nesting deeper than 64 levels
 * throw `DerError`, which the callers turn into a problem. Does not check DER canonical form beyond that.
 */
export class DerError extends Error {
  override name = 'DerError';
}

export type Der = {
  /** 0 universal, 1 application, 2 context, 3 private */
  cls: number;
  constructed: boolean;
  /** tag number */
  tag: number;
  /** offsets into `buf`: the whole element [start, end), the contents [contentStart, end) */
  start: number;
  contentStart: number;
  end: number;
  buf: Uint8Array;
};

export const TAG = {
  BOOLEAN: 1, INTEGER: 2, BIT_STRING: 3, OCTET_STRING: 4, NULL: 5, OID: 6, UTF8String: 12,
  SEQUENCE: 16, SET: 17, PrintableString: 19, IA5String: 22, UTCTime: 23, GeneralizedTime: 24, BMPString: 30,
} as const;

const MAX_DEPTH = 64;

/** Reads one element at `offset` (must end by `limit`). */
export function readDer(buf: Uint8Array, offset = 0, limit = buf.length): Der {
  if (offset + 2 > limit) throw new DerError('DER: truncated header');
  const first = buf[offset]!;
  const cls = first >> 6;
  const constructed = (first & 0x20) !== 0;
  let tag = first & 0x1f;
  let p = offset + 1;
  if (tag === 0x1f) {
    tag = 0;
    for (let i = 0; ; i++) {
      if (p >= limit || i > 3) throw new DerError('DER: bad high tag number');
      const b = buf[p++]!;
      tag = (tag << 7) | (b & 0x7f);
      if ((b & 0x80) === 0) break;
    }
  }
  if (p >= limit) throw new DerError('DER: truncated length');
  let len = buf[p++]!;
  if (len === 0x80) throw new DerError('DER: indefinite length is not DER');
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n > 4 || p + n > limit) throw new DerError('DER: bad length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[p++]!;
  }
  const end = p + len;
  if (end > limit) throw new DerError('DER: element runs past its container');
  return { cls, constructed, tag, start: offset, contentStart: p, end, buf };
}

/** The children of a constructed element. */
export function children(d: Der, depth = 0): Der[] {
  if (!d.constructed) throw new DerError('DER: expected a constructed element');
  if (depth > MAX_DEPTH) throw new DerError('DER: nested too deeply');
  const out: Der[] = [];
  let p = d.contentStart;
  while (p < d.end) {
    const c = readDer(d.buf, p, d.end);
    out.push(c);
    p = c.end;
  }
  return out;
}

/** Parses a whole buffer as exactly one element (trailing bytes are an error). */
export function parseDer(buf: Uint8Array): Der {
  const d = readDer(buf, 0, buf.length);
  if (d.end !== buf.length) throw new DerError(`DER: ${buf.length - d.end} bytes after the element`);
  return d;
}

export const bytes = (d: Der): Uint8Array => d.buf.subarray(d.start, d.end);
export const content = (d: Der): Uint8Array => d.buf.subarray(d.contentStart, d.end);

export function isUniversal(d: Der, tag: number): boolean {
  return d.cls === 0 && d.tag === tag;
}

export function expect(d: Der | undefined, tag: number, what: string): Der {
  if (!d || !isUniversal(d, tag)) throw new DerError(`DER: ${what}: expected universal tag ${tag}${d ? `, found class ${d.cls} tag ${d.tag}` : ', found nothing'}`);
  return d;
}

export function seq(d: Der | undefined, what: string): Der[] {
  return children(expect(d, TAG.SEQUENCE, what));
}

export function oid(d: Der | undefined, what = 'OID'): string {
  const c = content(expect(d, TAG.OID, what));
  if (c.length === 0) throw new DerError('DER: empty OID');
  const parts: number[] = [];
  let v = 0;
  for (let i = 0; i < c.length; i++) {
    v = v * 128 + (c[i]! & 0x7f);
    if ((c[i]! & 0x80) === 0) {
      if (parts.length === 0) {
        const first = v < 80 ? Math.floor(v / 40) : 2;
        parts.push(first, v - first * 40);
      } else parts.push(v);
      v = 0;
    } else if (v > Number.MAX_SAFE_INTEGER / 128) throw new DerError('DER: OID arc too large');
  }
  return parts.join('.');
}

export function int(d: Der | undefined, what = 'INTEGER'): bigint {
  const c = content(expect(d, TAG.INTEGER, what));
  if (c.length === 0) throw new DerError('DER: empty INTEGER');
  let v = 0n;
  for (const b of c) v = (v << 8n) | BigInt(b);
  if (c[0]! & 0x80) v -= 1n << BigInt(c.length * 8);
  return v;
}

/** Unsigned big-endian magnitude of an INTEGER (leading zero dropped). */
export function uintBytes(d: Der | undefined, what = 'INTEGER'): Uint8Array {
  const c = content(expect(d, TAG.INTEGER, what));
  let i = 0;
  while (i < c.length - 1 && c[i] === 0) i++;
  return c.subarray(i);
}

/** The bits of a BIT STRING with no unused bits (all SES/CMS uses are whole bytes). */
export function bitString(d: Der | undefined, what = 'BIT STRING'): Uint8Array {
  const c = content(expect(d, TAG.BIT_STRING, what));
  if (c.length === 0 || c[0] !== 0) throw new DerError(`DER: ${what}: unused bits`);
  return c.subarray(1);
}

export function octets(d: Der | undefined, what = 'OCTET STRING'): Uint8Array {
  return content(expect(d, TAG.OCTET_STRING, what));
}

const latin1 = new TextDecoder('latin1');
const utf8 = new TextDecoder('utf-8');

/** Any string type (UTF8, IA5, Printable, BMP…) as text. */
export function str(d: Der | undefined, what = 'string'): string {
  if (!d || d.cls !== 0 || d.constructed) throw new DerError(`DER: ${what}: expected a string`);
  const c = content(d);
  if (d.tag === TAG.UTF8String) return utf8.decode(c);
  if (d.tag === TAG.BMPString) {
    let s = '';
    for (let i = 0; i + 1 < c.length; i += 2) s += String.fromCharCode((c[i]! << 8) | c[i + 1]!);
    return s;
  }
  if (d.tag === TAG.OCTET_STRING) return utf8.decode(c);
  return latin1.decode(c);
}

/** UTCTime or GeneralizedTime as an ISO-8601 UTC string; undefined when not a time. */
export function time(d: Der | undefined): string | undefined {
  if (!d || d.cls !== 0 || (d.tag !== TAG.UTCTime && d.tag !== TAG.GeneralizedTime)) return undefined;
  const s = latin1.decode(content(d));
  return parseAsnTime(s, d.tag === TAG.UTCTime);
}

/** "YYMMDDhhmm[ss]Z" / "YYYYMMDDhhmm[ss[.fff]][Z|±hhmm]" → ISO string (UTC), or undefined. */
export function parseAsnTime(s: string, utc: boolean): string | undefined {
  const m = utc
    ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?(Z|[+-]\d{4})?$/.exec(s)
    : /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})?(\d{2})?(?:[.,]\d+)?(Z|[+-]\d{4})?$/.exec(s);
  if (!m) return undefined;
  let year = Number(m[1]);
  if (utc) year += year < 50 ? 2000 : 1900;
  const tz = m[7] ?? 'Z';
  const offsetMin = tz === 'Z' ? 0 : (tz[0] === '-' ? -1 : 1) * (Number(tz.slice(1, 3)) * 60 + Number(tz.slice(3, 5)));
  const ms = Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5] ?? 0), Number(m[6] ?? 0)) - offsetMin * 60_000;
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
}

export const toHex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
