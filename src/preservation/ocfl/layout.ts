/**
 * The storage root (§4): its conformance declaration, the object layout (community extension
 * 0004-hashed-n-tuple-storage-layout with its defaults), and the local extension that defines the
 * `sm3` fixity algorithm. Pure.
 */
import { createHash } from 'node:crypto';

export const STORAGE_DECLARATION = { name: '0=ocfl_1.1', content: 'ocfl_1.1\n' } as const;
export const LAYOUT_EXTENSION = '0004-hashed-n-tuple-storage-layout';
export const LAYOUT_CONFIG = {
  extensionName: LAYOUT_EXTENSION,
  digestAlgorithm: 'sha256',
  tupleSize: 3,
  numberOfTuples: 3,
  shortObjectRoot: false,
} as const;
export const SM3_EXTENSION = 'dangan-sm3-fixity';
export const SM3_EMPTY_DIGEST = '1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b';

/**
 * The object root of `id` relative to the storage root: SHA-256 of the UTF-8 id in lower-case hex,
 * three 3-character tuples, then the whole digest (e.g. `3c0/ff4/240/3c0ff424…`).
 */
export function objectRootPath(id: string): string {
  if (id.length === 0) throw new RangeError('empty object id');
  const hex = createHash(LAYOUT_CONFIG.digestAlgorithm).update(id, 'utf8').digest('hex');
  const tuples: string[] = [];
  for (let i = 0; i < LAYOUT_CONFIG.numberOfTuples; i++) tuples.push(hex.slice(i * LAYOUT_CONFIG.tupleSize, (i + 1) * LAYOUT_CONFIG.tupleSize));
  return [...tuples, hex].join('/');
}

/** `config.json` of the local extension that defines `sm3` for fixity blocks (object and storage root). */
export const SM3_EXTENSION_CONFIG = {
  extensionName: SM3_EXTENSION,
  description:
    'Local Dangan extension (not registered with OCFL). Defines the digest algorithm name "sm3" for inventory fixity blocks, alongside the OCFL table and community extension 0009-digest-algorithms.',
  digestAlgorithms: {
    sm3: {
      definition: 'SM3 cryptographic hash algorithm, GB/T 32905-2016 (also in ISO/IEC 10118-3:2018); 256-bit output',
      encoding: 'hex (base16, RFC 4648), lower-case, 64 characters',
      emptyBitstreamDigest: SM3_EMPTY_DIGEST,
      tools: ['openssl dgst -sm3 FILE (OpenSSL 1.1.1 or later)', 'gmssl sm3 -in FILE (GmSSL 3)'],
    },
  },
  notes: 'Content addressing stays sha512 (OCFL default). sm3 and sha256 are extra fixity values only; clients that do not know sm3 must ignore it (OCFL 1.1 §3.4, E028).',
} as const;

/** Plain-text description placed directly in the storage root (OCFL 1.1 §4.5, documenting local extensions). */
export const SM3_EXTENSION_TEXT = `# Local OCFL extension: ${SM3_EXTENSION}

Status: local to Dangan (档案), not registered in the OCFL community extensions repository.

The inventories of the objects under this storage root carry, besides the OCFL content digests
(sha512), a fixity block named "sm3". "sm3" is the SM3 cryptographic hash algorithm of the Chinese
national standard GB/T 32905-2016 (also ISO/IEC 10118-3:2018). Values are its 256-bit output written
as 64 lower-case hexadecimal characters. The sm3 digest of a zero-length bitstream is
${SM3_EMPTY_DIGEST}.

The block follows the manifest structure (OCFL 1.1 §3.5.4): digest -> array of content paths.
Clients that do not support sm3 ignore it; sha512 (manifest) and sha256 (fixity) remain.

Check one file without Dangan:  openssl dgst -sm3 <content path>   or   gmssl sm3 -in <content path>

Every object root also carries extensions/${SM3_EXTENSION}/config.json with the same definition, so
an object copied out of this storage root still describes itself.
`;

export const LAYOUT_DESCRIPTION =
  'Hashed n-tuple layout (extension 0004-hashed-n-tuple-storage-layout): sha256 of the object id, three 3-character directories, then the full digest.';

/** The files of an initialised storage root, relative to it. */
export function storageRootFiles(): Array<{ path: string; content: string }> {
  return [
    { path: STORAGE_DECLARATION.name, content: STORAGE_DECLARATION.content },
    { path: 'ocfl_layout.json', content: `${JSON.stringify({ extension: LAYOUT_EXTENSION, description: LAYOUT_DESCRIPTION }, null, 2)}\n` },
    { path: `extensions/${LAYOUT_EXTENSION}/config.json`, content: `${JSON.stringify(LAYOUT_CONFIG, null, 2)}\n` },
    { path: `extensions/${SM3_EXTENSION}/config.json`, content: `${JSON.stringify(SM3_EXTENSION_CONFIG, null, 2)}\n` },
    { path: `${SM3_EXTENSION}.md`, content: SM3_EXTENSION_TEXT },
  ];
}

/** Files written once into every object root (relative to it), besides the declaration and inventories. */
export function objectExtensionFiles(): Array<{ path: string; content: string }> {
  return [{ path: `extensions/${SM3_EXTENSION}/config.json`, content: `${JSON.stringify(SM3_EXTENSION_CONFIG, null, 2)}\n` }];
}
