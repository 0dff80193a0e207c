/**
 * Where things are in a Dangan submission package (a BagIt 1.0 bag) and what bag-info.txt says.
 *
 *   bagit.txt  bag-info.txt  manifest-sha256.txt  manifest-sm3.txt  tagmanifest-sha256.txt  tagmanifest-sm3.txt
 *   data/metadata.json
 *   data/<项目代码>/<单位工程编号>/<案卷号>/<序号>-<文件名>
 */
import { SEGMENT_PATTERN } from './schema.ts';

export const METADATA_PATH = 'data/metadata.json';
export const PAYLOAD_ALGORITHMS = ['sha256', 'sm3'] as const;
export const BAGIT_TXT = 'BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n';

/** bag-info.txt labels Dangan writes (and a reader of the package may rely on). */
export const BAG_INFO = {
  sourceOrganization: 'Source-Organization',
  submitterUscc: 'Dangan-Submitter-USCC',
  projectCode: 'Dangan-Project-Code',
  projectName: 'Dangan-Project-Name',
  packageFormat: 'Dangan-Package-Format',
  baggingDate: 'Bagging-Date',
  bagSize: 'Bag-Size',
  payloadOxum: 'Payload-Oxum',
  volumeCount: 'Dangan-Volume-Count',
  recordCount: 'Dangan-Record-Count',
  fileCount: 'Dangan-File-Count',
  softwareAgent: 'Bag-Software-Agent',
} as const;

/**
 * The optional SM2 signature of the submitting unit over `tagmanifest-sm3.txt` (issue 4, item 1): a
 * signer receives the exact bytes of the tag manifest and returns the signature file, which the packer
 * writes as SIGNATURE_FILE after the tag manifests (a tag file no manifest lists, since it signs them).
 * The signer and verifier are in `packages/signing/` (SM2 with SM3, GM/T 0009 default user ID, DER).
 */
export const SIGNATURE_FILE = 'dangan-signature.json';
export type TagManifestSigner = {
  /** e.g. 'SM2-with-SM3'; written nowhere yet, for the caller's logs */
  algorithm: string;
  sign(tagManifestSm3: Buffer): Promise<Buffer>;
};

const RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i;
/** Longest file or folder name most file systems take (ext4, NTFS count differently; bytes is the stricter). */
export const MAX_SEGMENT_BYTES = 255;

/** Why `name` cannot be one folder or file name on Windows and Linux alike, or undefined when it can. */
export function segmentProblem(name: string): { zh: string; en: string } | undefined {
  if (name === '' || name === '.' || name === '..') return { zh: '名称为空或为“.”“..”', en: 'the name is empty, "." or ".."' };
  if (!SEGMENT_PATTERN.test(name)) return { zh: '含 \\ / : * ? " < > | 或控制字符，或以点、空格结尾', en: 'it contains \\ / : * ? " < > | or a control character, or ends in a dot or space' };
  if (RESERVED.test(name)) return { zh: 'Windows 保留名称（CON、PRN、AUX、NUL、COM1、LPT1 等）', en: 'a name Windows reserves (CON, PRN, AUX, NUL, COM1, LPT1 …)' };
  if (Buffer.byteLength(name) > MAX_SEGMENT_BYTES) return { zh: `名称超过 ${MAX_SEGMENT_BYTES} 字节（约 85 个汉字）`, en: `the name is longer than ${MAX_SEGMENT_BYTES} bytes (about 85 Chinese characters)` };
  return undefined;
}

/** The file name of a record's file in the package: `<序号, 3 digits>-<original name>`. */
export function recordFileName(seq: number, originalName: string): string {
  return `${String(seq).padStart(3, '0')}-${originalName.normalize('NFC')}`;
}

/** `data/<项目代码>/<单位工程编号>/<案卷号>/<file name>` (NFC, "/" separated). */
export function payloadPath(projectCode: string, unit: string, volume: string, fileName: string): string {
  return ['data', projectCode, unit, volume, fileName].map((s) => s.normalize('NFC')).join('/');
}

/** Bag-Size as people read it (RFC 8493 §2.2.2 leaves the form open). */
export function humanSize(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = bytes;
  let i = 0;
  for (; v >= 1024 && i < units.length - 1; i++) v /= 1024;
  return i === 0 ? `${bytes} B` : `${v.toFixed(1)} ${units[i]}`;
}
