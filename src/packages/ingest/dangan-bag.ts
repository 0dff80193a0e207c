import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { inspectBag } from '../../preservation/bagit/index.ts';
import { BAG_INFO, METADATA_PATH, PackageMetadataSchema, type PackageMetadata } from '../format/index.ts';
import type { IncomingPackage, PackageProblem } from '../model.ts';
import { verifyBagSignature } from '../signing/index.ts';

const RETENTION = { 永久: 'permanent', 长期: 'long', 短期: 'short' } as const;
const SECRECY = { 公开: 'none', 内部: 'internal', 秘密: 'confidential', 机密: 'secret' } as const;

const declaredOf = (d: Record<string, string> | undefined): IncomingPackage['records'][number]['files'][number]['declared'] =>
  d ? { ...(d.sha256 ? { sha256: d.sha256 } : {}), ...(d.sm3 ? { sm3: d.sm3 } : {}), ...(d.sha512 ? { sha512: d.sha512 } : {}), ...(d.md5 ? { md5: d.md5 } : {}) } : {};

/** Is this directory a Dangan submission bag (a bag with data/metadata.json of our format)? */
export async function isDanganBag(dir: string): Promise<boolean> {
  try {
    const text = await readFile(join(dir, METADATA_PATH), 'utf8');
    return text.length < 64 * 1024 * 1024 && /"format"\s*:\s*"dangan-submission-package"/.test(text);
  } catch {
    return false;
  }
}

/**
 * Reads a Dangan submission bag: the BagIt checks (every manifest digest, completeness, oxum), the unit's
 * SM2 signature when present, and metadata.json against its schema — every problem at once.
 */
export async function readDanganBag(dir: string, options: { payloadDigests?: boolean } = {}): Promise<IncomingPackage> {
  const problems: PackageProblem[] = [];
  const { report: bag, payload } = await inspectBag(dir, options);
  for (const e of bag.errors) problems.push({ code: `bagit-${e.code}`, severity: 'error', ...(e.path ? { path: e.path } : {}), message: e.message });
  for (const w of bag.warnings) problems.push({ code: `bagit-${w.code}`, severity: 'warning', ...(w.path ? { path: w.path } : {}), message: w.message });
  const sig = await verifyBagSignature(dir);
  problems.push(...sig.problems);
  if (sig.present && sig.valid) problems.push({ code: 'signature-key-not-checked', severity: 'warning', message: { zh: 'SM2 签名有效；签名公钥是否属于报送单位尚未核对', en: 'the SM2 signature is valid; whether the key belongs to the submitting unit is not checked yet' } });
  const pkg: IncomingPackage = { source: { format: 'dangan-bag', path: dir, ...(bag.version ? { version: bag.version } : {}) }, units: [], volumes: [], records: [], unclaimed: [], problems };
  // What the unit registered (DA/T 70 2-1/2-2): its record files, i.e. the payload less metadata.json.
  const info = (label: string) => bag.bagInfo.find((e) => e.label.toLowerCase() === label.toLowerCase())?.value;
  const oxum = /^(\d+)\.(\d+)$/.exec(info(BAG_INFO.payloadOxum) ?? '');
  const fileCount = info(BAG_INFO.fileCount);
  const metaSize = payload.get(METADATA_PATH)?.size;
  if (oxum && fileCount && /^\d+$/.test(fileCount) && metaSize !== undefined) {
    pkg.registered = { files: Number(fileCount), bytes: Number(oxum[1]) - metaSize, source: 'bag-info.txt (Payload-Oxum, Dangan-File-Count)' };
  }
  let meta: PackageMetadata;
  try {
    const parsed = PackageMetadataSchema.safeParse(JSON.parse(await readFile(join(dir, METADATA_PATH), 'utf8')));
    if (!parsed.success) {
      for (const i of parsed.error.issues) problems.push({ code: 'metadata-invalid', severity: 'error', path: `${METADATA_PATH}#/${i.path.join('/')}`, message: { zh: `元数据不符合规范：${i.message}`, en: `metadata.json: ${i.message}` } });
      return pkg;
    }
    meta = parsed.data;
  } catch (e) {
    problems.push({ code: 'metadata-unreadable', severity: 'error', path: METADATA_PATH, message: { zh: '无法读取 metadata.json', en: `metadata.json cannot be read: ${(e as Error).message}` } });
    return pkg;
  }
  pkg.submitter = { uscc: meta.submitter.uscc, name: meta.submitter.name };
  pkg.project = { projectCode: meta.project.code, name: meta.project.name, builderName: meta.project.builder.name, builderUscc: meta.project.builder.uscc, regionCode: meta.project.regionCode, ...(meta.project.address ? { address: meta.project.address } : {}) };
  for (const u of meta.units) {
    pkg.units.push({ code: u.number, name: u.name, ...(u.buildingCode ? { buildingCode: u.buildingCode } : {}) });
    for (const v of u.volumes) {
      const volumeKey = `${u.number}/${v.key}`;
      if (v.secrecy === '绝密') problems.push({ code: 'secrecy-not-accepted', severity: 'error', message: { zh: `案卷 ${v.key} 为绝密，不能电子报送`, en: `volume ${v.key} is top secret and cannot be submitted electronically` } });
      pkg.volumes.push({
        key: volumeKey, unitCode: u.number, title: v.title, category: v.category, year: v.year,
        retention: RETENTION[v.retention], classification: SECRECY[v.secrecy as keyof typeof SECRECY] ?? 'secret',
        ...(v.subclass ? { subclass: v.subclass } : {}), ...(v.pages !== undefined ? { pages: v.pages } : {}),
      });
      for (const r of v.records) {
        pkg.records.push({
          key: `${volumeKey}/${r.seq}`, volumeKey, seq: r.seq, title: r.title, author: r.responsible, date: r.date, category: v.category,
          ...(r.fileNumber ? { docNumber: r.fileNumber } : {}), ...(r.note ? { remarks: r.note } : {}),
          ...(r.pages && /^\d+$/.test(r.pages) ? { pages: Number(r.pages) } : {}),
          // verifyBag has checked every manifest digest against the bytes; ingest re-hashes into the store.
          // The manifests' digests (verifyBag compared them with the bytes unless payloadDigests is false).
          files: r.files.map((f) => ({ path: f.path, size: f.size, declared: declaredOf(payload.get(f.path)?.digests) })),
        });
      }
    }
  }
  return pkg;
}
