/**
 * DA/T 93-2022 folder transfer package (annex B, item-based): a 说明文件, a 目录 XML
 * (<文件目录><文件><档号/>…</文件>…</文件目录>, GB18030/GB2312/UTF-8) and one folder per 档号 holding
 * the record's files, below 全宗 and classification folders. The schema is not verified (digest §6.2):
 * the reader is tolerant and driven by FIELDS; volumes are the classification-level folders.
 */
import type { IncomingPackage, IncomingRecord, IncomingVolume, PackageProblem } from '../model.ts';
import { openPackage, type UnpackLimits } from '../unpack/index.ts';
import { decodeUtf8Strict } from '../unpack/names.ts';
import iconv from 'iconv-lite';
import { basename, childText, dirnameOf, emptyPackage, err, fromUnpack, kids, normalizeDate, parseXml, readEntryBytes, rootOf, text, warn, type XmlNode } from './common.ts';
import { classificationOf, retentionOf, stricter } from './vocab.ts';

/** Model field → the element names that may carry it in a 目录 item (first found wins). */
export const DAT93_FIELDS = {
  archivalCode: ['档号'],
  seq: ['顺序号', '序号', '件号'],
  title: ['题名', '文件题名'],
  author: ['责任者'],
  date: ['日期', '文件日期', '形成日期'],
  pages: ['页数', '页次'],
  retention: ['保管期限'],
  classification: ['密级'],
  docNumber: ['文件编号', '文号'],
  remarks: ['备注'],
  fileName: ['文件名', '计算机文件名', '电子文件名'],
} as const;
export const DAT93_CATALOG_ROOTS = ['文件目录', '目录', '档案目录'];
export const DAT93_ITEMS = ['文件', '条目', '档案'];
const META_MAX = 32 * 1024 * 1024;
const OTHER = '其他';

type Field = keyof typeof DAT93_FIELDS;
const field = (item: XmlNode, f: Field): string | undefined => DAT93_FIELDS[f].map((n) => childText(item, n)).find((v) => v !== undefined);

/** Decodes a 说明文件: UTF-8 when valid, otherwise GB18030; `标签：值` lines. */
export function readDescription(bytes: Buffer): Map<string, string> {
  const body = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
  const t = decodeUtf8Strict(body) ?? iconv.decode(body, 'gb18030');
  const out = new Map<string, string>();
  for (const line of t.split(/\r?\n/)) {
    const m = /^\s*([^:：]{1,30})[:：]\s*(.*?)\s*$/.exec(line);
    if (m && m[2]) out.set(m[1]!.trim(), m[2]);
  }
  return out;
}

/** Reads a DA/T 93 package (directory, zip or tar) into the model. */
export async function readDat93(path: string, options: { limits?: Partial<UnpackLimits> } = {}): Promise<IncomingPackage> {
  const pkg = emptyPackage('dat93', path);
  const P = pkg.problems;
  const files = new Map<string, number>();
  const dirs = new Set<string>();
  const small = new Map<string, Buffer>();
  try {
    const reader = await openPackage(path, options.limits);
    for await (const e of reader) {
      if (e.kind === 'dir') {
        dirs.add(e.path);
        continue;
      }
      files.set(e.path, e.size);
      for (let d = dirnameOf(e.path); d; d = dirnameOf(d)) dirs.add(d);
      if (e.path.split('/').length <= 2 && /\.(xml|txt)$/i.test(e.path) && e.size <= META_MAX) small.set(e.path, await readEntryBytes(e, META_MAX));
    }
    for (const w of reader.warnings) P.push(warn(`unpack-${w.code}`, w.message.zh, w.message.en, w.entry));
  } catch (e) {
    P.push(fromUnpack(e, path));
    return pkg;
  }
  // The package root: '' or the one top-level folder that holds everything.
  const tops = new Set([...files.keys()].map((p) => (p.includes('/') ? p.slice(0, p.indexOf('/') + 1) : '')));
  const prefix = tops.size === 1 && [...tops][0] && ![...small.keys()].some((p) => !p.includes('/')) ? [...tops][0]! : '';
  const atRoot = (p: string) => p.startsWith(prefix) && !p.slice(prefix.length).includes('/');

  const descPath = [...small.keys()].find((p) => atRoot(p) && /^说明/.test(basename(p)) && /\.txt$/i.test(p));
  const desc = descPath ? readDescription(small.get(descPath)!) : new Map<string, string>();
  if (!descPath) P.push(warn('dat93-description-missing', '包根目录中没有说明文件（说明文件.txt）', 'the package root has no description file (说明文件.txt)'));
  const submitter = desc.get('移交单位');
  if (submitter) pkg.submitter = { name: submitter };

  let catalog: { path: string; items: XmlNode[] } | undefined;
  for (const p of [...small.keys()].filter((x) => atRoot(x) && /\.xml$/i.test(x)).sort((a, b) => Number(!basename(a).includes('目录')) - Number(!basename(b).includes('目录')))) {
    try {
      const { doc } = await parseXml(small.get(p)!, p);
      const root = rootOf(doc);
      if (!root || !DAT93_CATALOG_ROOTS.includes(root.name)) continue;
      catalog = { path: p, items: DAT93_ITEMS.flatMap((n) => kids(root.node, n)) };
      break;
    } catch (e) {
      P.push(fromUnpack(e, p));
      if (basename(p).includes('目录')) break;
    }
  }
  if (!catalog) {
    if (!P.some((p) => p.code.startsWith('unpack-xml'))) P.push(err('dat93-catalog-missing', '包根目录中没有目录文件（根元素为 文件目录 的 XML）', 'the package root has no catalogue (an XML file whose root element is 文件目录)'));
    return pkg;
  }
  const count = Number(desc.get('档案数量')?.match(/\d+/)?.[0]);
  if (Number.isFinite(count) && count !== catalog.items.length) P.push(warn('dat93-count-mismatch', `说明文件记载档案数量 ${count}，目录列出 ${catalog.items.length} 件`, `the description file says ${count} records, the catalogue lists ${catalog.items.length}`, descPath));

  mapItems(pkg, catalog, prefix, files, dirs, desc);
  return pkg;
}

function mapItems(pkg: IncomingPackage, catalog: { path: string; items: XmlNode[] }, prefix: string, files: Map<string, number>, dirs: Set<string>, desc: Map<string, string>): void {
  const P: PackageProblem[] = pkg.problems;
  const rel = (p: string) => p.slice(prefix.length);
  const byName = new Map<string, string[]>();
  for (const d of dirs) if (d.startsWith(prefix) && d !== prefix.slice(0, -1)) byName.set(basename(d).normalize('NFC'), [...(byName.get(basename(d).normalize('NFC')) ?? []), d]);
  const claimed = new Set<string>();
  const volumes = new Map<string, IncomingVolume>();
  const seen = new Set<string>();
  catalog.items.forEach((item, i) => {
    const code = field(item, 'archivalCode')?.normalize('NFC');
    const where = `${catalog.path} #${i + 1}`;
    if (!code) return void P.push(err('dat93-code-missing', `${where}：缺少档号`, `${where}: no 档号`, catalog.path));
    if (seen.has(code)) return void P.push(err('dat93-code-duplicate', `档号“${code}”在目录中重复`, `档号 ${JSON.stringify(code)} is listed twice`, catalog.path));
    seen.add(code);
    const found = byName.get(code) ?? [];
    if (found.length !== 1) P.push(err(found.length ? 'dat93-folder-ambiguous' : 'dat93-folder-missing', `档号“${code}”${found.length ? '对应多个文件夹' : '没有对应的文件夹'}`, `档号 ${JSON.stringify(code)} has ${found.length ? 'more than one folder' : 'no folder'}`, code));
    const folder = found.length === 1 ? found[0]! : undefined;
    const vkey = folder ? rel(dirnameOf(folder)) || '.' : '.';
    const retention = retentionOf(field(item, 'retention'), P, code);
    const classification = classificationOf(field(item, 'classification'), P, code);
    const v = volumes.get(vkey) ?? { key: vkey, title: vkey === '.' ? (desc.get('内容描述') ?? basename(pkg.source.path ?? 'DA/T 93')) : vkey.split('/').join(' / ') };
    const rs = stricter(v.retention, retention, v.classification, classification);
    Object.assign(v, rs);
    volumes.set(vkey, v);
    const title = field(item, 'title');
    if (!title) P.push(err('dat93-title-missing', `档号“${code}”缺少题名`, `档号 ${JSON.stringify(code)} has no 题名`, code));
    const rawDate = field(item, 'date');
    const date = normalizeDate(rawDate);
    if (rawDate && !date) P.push(warn('dat93-date-invalid', `档号“${code}”的日期“${rawDate}”无法识别`, `档号 ${JSON.stringify(code)}: date ${JSON.stringify(rawDate)} is not recognised`, code));
    const pages = Number(field(item, 'pages'));
    const listed = DAT93_FIELDS.fileName.flatMap((n) => kids(item, n).map((x) => text(x))).filter(Boolean);
    const inFolder = folder ? [...files.keys()].filter((f) => f.startsWith(`${folder}/`)) : [];
    for (const name of listed) if (folder && !inFolder.some((f) => basename(f) === name.normalize('NFC'))) P.push(err('dat93-file-missing', `档号“${code}”目录中列出的文件“${name}”不在文件夹中`, `档号 ${JSON.stringify(code)}: the catalogue lists ${JSON.stringify(name)}, which is not in its folder`, `${rel(folder)}/${name}`));
    const mine = inFolder;
    for (const f of mine) claimed.add(f);
    const seqRaw = Number(field(item, 'seq'));
    const rec: IncomingRecord = {
      key: code, volumeKey: vkey, seq: Number.isInteger(seqRaw) && seqRaw > 0 ? seqRaw : i + 1, title: title ?? code,
      files: mine.map((f) => ({ path: rel(f), size: files.get(f) ?? 0, declared: {} })),
    };
    const opt: [keyof IncomingRecord, string | number | undefined][] = [['author', field(item, 'author')], ['date', date], ['docNumber', field(item, 'docNumber')], ['pages', Number.isInteger(pages) && pages > 0 ? pages : undefined], ['remarks', field(item, 'remarks')]];
    for (const [k, val] of opt) if (val !== undefined) Object.assign(rec, { [k]: val });
    if (folder && inFolder.length === 0) P.push(err('dat93-folder-empty', `档号“${code}”的文件夹中没有文件`, `the folder of 档号 ${JSON.stringify(code)} holds no file`, rel(folder)));
    pkg.records.push(rec);
  });
  pkg.volumes.push(...volumes.values());
  for (const [f, size] of files) {
    const r = rel(f);
    if (claimed.has(f) || !f.startsWith(prefix) || !r.includes('/') || r.startsWith(`${OTHER}/`)) continue;
    pkg.unclaimed.push({ path: r, size, declared: {} });
    P.push(err('dat93-file-not-listed', `“${r}”不属于目录中列出的任何档号`, `${JSON.stringify(r)} belongs to no 档号 the catalogue lists`, r));
  }
}
