/**
 * Tag files as text, streamed: lines end in LF, CR or CRLF (RFC 8493 §2.1), the last line may lack
 * its end, and the character encoding is the one bagit.txt declares. Never a whole file in memory.
 */
import { createReadStream } from 'node:fs';

/** How the bytes of tag files become text. */
export type TagEncoding = { label: string; utf8: boolean; decoder(): ChunkDecoder };
type ChunkDecoder = { write(chunk: Buffer): string; end(): string };

export class LineTooLong extends Error {}
export class Undecodable extends Error {}
export const MAX_LINE = 1 << 20;

function textDecoder(label: string, ignoreBOM: boolean): ChunkDecoder {
  const d = new TextDecoder(label, { fatal: true, ignoreBOM });
  const wrap = (f: () => string) => {
    try {
      return f();
    } catch (err) {
      throw new Undecodable(String(err));
    }
  };
  return { write: (c) => wrap(() => d.decode(c, { stream: true })), end: () => wrap(() => d.decode()) };
}

/** UTF-16 without a byte order mark is big-endian (RFC 2781 §4.3); with one, the mark decides. */
function utf16Decoder(): ChunkDecoder {
  let inner: ChunkDecoder | undefined;
  let head = Buffer.alloc(0);
  const pick = (b: Buffer) => (b[0] === 0xff && b[1] === 0xfe ? 'utf-16le' : 'utf-16be');
  return {
    write(chunk) {
      if (inner) return inner.write(chunk);
      head = Buffer.concat([head, chunk]);
      if (head.length < 2) return '';
      inner = textDecoder(pick(head), false);
      return inner.write(head);
    },
    end() {
      if (!inner && head.length) throw new Undecodable('odd number of bytes in UTF-16 text');
      return inner ? inner.end() : '';
    },
  };
}

/** The encoding named in bagit.txt, or undefined when it is not one this reader can decode. */
export function tagEncoding(label: string): TagEncoding | undefined {
  const l = label.trim().toLowerCase();
  if (l === 'utf-8' || l === 'utf8') return { label: 'UTF-8', utf8: true, decoder: () => textDecoder('utf-8', true) };
  // ISO-8859-1 byte for byte (TextDecoder would read windows-1252 instead).
  if (['iso-8859-1', 'iso8859-1', 'latin1', 'latin-1', 'l1'].includes(l)) {
    return { label: 'ISO-8859-1', utf8: false, decoder: () => ({ write: (c) => c.toString('latin1'), end: () => '' }) };
  }
  if (l === 'utf-16') return { label: 'UTF-16', utf8: false, decoder: utf16Decoder };
  try {
    new TextDecoder(l);
    return { label, utf8: false, decoder: () => textDecoder(l, false) };
  } catch {
    return undefined;
  }
}

export const UTF8 = tagEncoding('UTF-8')!;

/** Splits decoded text into lines, yielding each line without its ending. A CR at a chunk end waits for the next chunk. */
export async function* readLines(file: string, enc: TagEncoding, maxLine = MAX_LINE): AsyncGenerator<string> {
  const decoder = enc.decoder();
  let pending = '';
  const split = function* (text: string, final: boolean): Generator<string> {
    pending += text;
    let start = 0;
    for (let i = 0; i < pending.length; i++) {
      const c = pending.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      if (c === 13 && i === pending.length - 1 && !final) break; // maybe the CR of a CRLF split across chunks
      yield pending.slice(start, i);
      if (c === 13 && pending.charCodeAt(i + 1) === 10) i++;
      start = i + 1;
    }
    pending = pending.slice(start);
    if (pending.length > maxLine) throw new LineTooLong(`line longer than ${maxLine}`);
  };
  for await (const chunk of createReadStream(file, { highWaterMark: 64 * 1024 })) yield* split(decoder.write(chunk as Buffer), false);
  yield* split(decoder.end(), true);
  if (pending.length) yield pending;
}
