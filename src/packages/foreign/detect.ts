/**
 * Which foreign format a path holds, from its content: bagit.txt → BagIt; METS.xml whose PROFILE or
 * namespaces are E-ARK CSIP → E-ARK; an XML file whose root is 电子文件封装包 → DA/T 48 EEP;
 * a 说明文件 beside an XML catalogue → DA/T 93. Directories, zips and tars are listed through
 * openPackage (names only, plus the root METS.xml); a single XML file is sniffed by its first 64 KiB.
 */
import { open, stat } from 'node:fs/promises';
import { openPackage } from '../unpack/index.ts';
import { basename, readEntryBytes } from './common.ts';

export type ForeignFormat = 'bagit' | 'eark-sip' | 'eep' | 'dat93';
export type Detection = { format?: ForeignFormat; reason: { zh: string; en: string } };

const CSIP = /dilcis\.eu|CSIPExtensionMETS/i;
const EEP_ROOT = /^(?:\s|<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE[^[>]*(?:\[[\s\S]*?\])?\s*>)*<(?:[\w.-]+:)?(电子文件封装包|封装包)[\s>/]/;

async function sniffXmlFile(path: string): Promise<Detection | undefined> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(64 * 1024);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    const head = buf.subarray(0, bytesRead);
    const text = head.toString('utf8').replace(/^\uFEFF/, '');
    if (EEP_ROOT.test(text)) return { format: 'eep', reason: { zh: '根元素为 电子文件封装包', en: 'the root element is 电子文件封装包' } };
    if (/^\s*</.test(text)) return { reason: { zh: 'XML 文件的根元素不是 电子文件封装包（仅支持 UTF-8 编码的 EEP）', en: 'an XML file whose root element is not 电子文件封装包 (EEP must be UTF-8)' } };
  } finally {
    await fh.close();
  }
  return undefined;
}

export async function detectForeign(path: string): Promise<Detection> {
  const st = await stat(path).catch(() => undefined);
  if (!st) return { reason: { zh: `找不到 ${path}`, en: `${path} does not exist` } };
  if (st.isFile()) {
    const xml = await sniffXmlFile(path);
    if (xml) return xml;
  }
  const names: string[] = [];
  let mets: Buffer | undefined;
  const reader = await openPackage(path);
  for await (const e of reader) {
    if (e.kind !== 'file') continue;
    names.push(e.path);
    if (/^([^/]+\/)?METS\.xml$/.test(e.path) && !mets) mets = await readEntryBytes(e, 32 * 1024 * 1024);
  }
  const top = (n: string) => !n.includes('/') || (n.split('/').length === 2 && new Set(names.map((x) => x.split('/')[0])).size === 1);
  if (names.includes('bagit.txt')) return { format: 'bagit', reason: { zh: '根目录有 bagit.txt', en: 'bagit.txt at the root' } };
  if (mets && CSIP.test(mets.subarray(0, 64 * 1024).toString('utf8'))) return { format: 'eark-sip', reason: { zh: 'METS.xml 使用 E-ARK CSIP 规范', en: 'METS.xml follows the E-ARK CSIP profile' } };
  if (names.some((n) => top(n) && basename(n).toLowerCase() === 'mets.xml')) {
    if (!mets) return { format: 'eark-sip', reason: { zh: '根目录有大小写不符的 METS 文件', en: 'a METS file in another case at the root' } };
    return { reason: { zh: 'METS.xml 不是 E-ARK CSIP 信息包（缺少 CSIP 的 PROFILE 或命名空间）', en: 'METS.xml is not an E-ARK CSIP package (no CSIP PROFILE or namespace)' } };
  }
  if (names.some((n) => top(n) && /^说明/.test(basename(n))) && names.some((n) => top(n) && /\.xml$/i.test(n))) {
    return { format: 'dat93', reason: { zh: '根目录有说明文件和 XML 目录', en: 'a 说明文件 and an XML catalogue at the root' } };
  }
  return { reason: { zh: '无法识别的包：不是 BagIt、E-ARK、DA/T 48 EEP 或 DA/T 93 文件夹包', en: 'unrecognised package: not BagIt, E-ARK, DA/T 48 EEP or a DA/T 93 folder package' } };
}
