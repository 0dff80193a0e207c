/**
 * Content items, judged from the facts measured on each file (facts.ts): 1-1 fixity (declared digests,
 * PDF signatures, OFD seals), 1-10 electronic attributes vs metadata, 1-11 metadata points at content,
 * 2-1 / 2-2 totals, 2-11 files vs metadata, 3-3 / 3-5 / 3-8 formats, 3-6 creating software, 4-2 virus
 * scan, 4-3 extra files, 4-4 read speed. Pure.
 */
import type { IncomingFile, IncomingPackage } from '../../packages/model.ts';
import type { Stage } from '../model.ts';
import type { SchemeParams } from '../scheme/scheme.ts';
import type { FileFacts } from './facts.ts';
import { ItemCollector, type Emit } from './result.ts';

export type CheckedFile = { declared: IncomingFile; record?: string | undefined; facts: FileFacts };
export type VirusOutcome = { path: string; outcome: 'clean' | 'infected' | 'error'; signature?: string; error?: string };

export type ContentCheckInput = {
  stage: Stage;
  pkg: IncomingPackage;
  params: SchemeParams;
  planned: ReadonlySet<string>;
  files: CheckedFile[];
  /** files present in the package that neither metadata nor manifests claim */
  unclaimed: FileFacts[];
  /** totals the sender registered (bag-info Payload-Oxum, the transfer register…) */
  registered?: { files?: number | undefined; bytes?: number | undefined; source: string } | undefined;
  /** virus scan: undefined = no scanner configured */
  virus?: { scanner: string; results: VirusOutcome[] } | { unavailable: string } | undefined;
  /** the package came on a carrier (disc, disk): 4-3 and 4-4 apply to it */
  carrier?: boolean;
  /** bytes read and wall time of reading them, for 4-4 */
  read?: { bytes: number; ms: number } | undefined;
};

const FORMAT_NAMES: Record<string, string> = { pdf: 'PDF', ofd: 'OFD', tiff: 'TIFF', jpeg: 'JPEG', png: 'PNG', xml: 'XML', dwg: 'DWG', ifc: 'IFC', zip: 'ZIP' };
const fname = (f: string) => FORMAT_NAMES[f] ?? f.toUpperCase();
const mib = (b: number) => (b / 1024 / 1024).toFixed(1);

export function checkContent(input: ContentCheckInput, emit: Emit): void {
  const { stage, params, planned, files } = input;
  const code = (item: string) => `${stage}-${item}`;
  const on = (item: string) => planned.has(code(item));
  const c = (item: string) => new ItemCollector(code(item), emit);
  const present = files.filter((f) => f.facts.exists);

  if (on('1-1')) {
    const col = c('1-1');
    for (const f of present) {
      const d = f.declared.declared;
      const declaredAlgs = (['sha256', 'sm3', 'sha512', 'md5'] as const).filter((a) => d[a]);
      const wrong = declaredAlgs.filter((a) => f.facts.digests[a] !== undefined && d[a]!.toLowerCase() !== f.facts.digests[a]);
      const usable = declaredAlgs.filter((a) => params.digestAlgorithms.includes(a));
      const subject = f.declared.path;
      if (wrong.length) col.add('fail', subject, `固化信息不符：${wrong.join('、')} 摘要与文件不一致（文件在报送后被改动或损坏）`, `fixity mismatch: the ${wrong.join(', ')} digest differs from the file (changed or damaged after it was sent)`, { record: f.record, evidence: { declared: Object.fromEntries(wrong.map((a) => [a, d[a]])), computed: Object.fromEntries(wrong.map((a) => [a, f.facts.digests[a]])) } });
      else if (!usable.length) col.add('fail', subject, `缺少固化信息：包中没有该文件的 ${params.digestAlgorithms.join('/')} 摘要`, `no fixity information: the package gives no ${params.digestAlgorithms.join('/')} digest for the file`, { record: f.record, evidence: { declared: declaredAlgs } });
      for (const s of f.facts.signatures) {
        const who = s.signer ? `（${s.signer}）` : '';
        const kindZh = s.kind === 'pdf' ? 'PDF 电子签名' : s.kind === 'ofd-seal' ? 'OFD 电子印章' : 'OFD 电子签名';
        const ev = { kind: s.kind, id: s.id, signer: s.signer, trust: s.trust, signingTime: s.signingTime, problems: s.problems };
        if (!s.intact) col.add('fail', subject, `${kindZh} ${s.id}${who}验证失败：${s.problems.join('; ') || '签名无效'}`, `${s.kind} signature ${s.id} does not verify: ${s.problems.join('; ') || 'invalid'}`, { record: f.record, evidence: ev });
        else if (s.trust !== 'trusted' && params.requireTrustedSigner) col.add('fail', subject, `${kindZh} ${s.id}${who}完好，但签名证书不受信任`, `${s.kind} signature ${s.id} is intact but its certificate is not trusted`, { record: f.record, evidence: ev });
        else col.add('pass', subject, `${kindZh} ${s.id}${who}完好；证书信任：${s.trust === 'trusted' ? '受信任' : s.trust === 'untrusted' ? '不受信任' : '未核验'}`, `${s.kind} signature ${s.id} intact; certificate trust: ${s.trust}`, { record: f.record, evidence: ev });
      }
      if (!wrong.length && usable.length) col.add('pass', subject, `${usable.join('、')} 摘要一致`, `${usable.join(', ')} digests match`, { record: f.record, evidence: { sm3: f.facts.digests.sm3, sha256: f.facts.digests.sha256 } });
    }
    col.finish('固化信息有效', 'fixity information verifies');
  }

  if (on('1-10')) {
    const col = c('1-10');
    for (const f of present) {
      const subject = f.declared.path;
      const diffs: { zh: string; en: string }[] = [];
      if (f.declared.size !== f.facts.size) diffs.push({ zh: `大小 ${f.facts.size} 字节，元数据记为 ${f.declared.size}`, en: `size ${f.facts.size} bytes, metadata says ${f.declared.size}` });
      if (f.declared.format && !formatAgrees(f.declared.format, f.facts.format)) diffs.push({ zh: `格式为 ${fname(f.facts.format)}，元数据记为 ${f.declared.format}`, en: `format is ${f.facts.format}, metadata says ${f.declared.format}` });
      if (f.facts.extensionMatches === false && f.facts.format !== 'unknown') diffs.push({ zh: `扩展名与实际格式 ${fname(f.facts.format)} 不符`, en: `the extension does not match the actual format ${f.facts.format}` });
      if (diffs.length) col.add('fail', subject, diffs.map((d) => d.zh).join('；'), diffs.map((d) => d.en).join('; '), { record: f.record, evidence: { size: f.facts.size, format: f.facts.format, mime: f.facts.mime } });
    }
    // Pages: a record's 页数 (when the metadata records a count) against the pages counted in its paged files.
    const byRecord = new Map<string, CheckedFile[]>();
    for (const f of present) if (f.record) byRecord.set(f.record, [...(byRecord.get(f.record) ?? []), f]);
    for (const r of input.pkg.records) {
      if (r.pageCount === undefined) continue;
      const paged = (byRecord.get(r.key) ?? []).filter((f) => f.facts.inspection?.pages !== undefined);
      if (!paged.length) continue;
      const counted = paged.reduce((n, f) => n + f.facts.inspection!.pages!, 0);
      if (Math.abs(counted - r.pageCount) > params.pageTolerance)
        col.add('fail', `record:${r.key}`, `页数不符：文件共 ${counted} 页，元数据记为 ${r.pageCount} 页`, `page count: the files have ${counted} pages, metadata says ${r.pageCount}`, { record: r.key, evidence: { counted, declared: r.pageCount } });
    }
    col.finish(`${present.length} 个文件的电子属性与元数据一致`, `electronic attributes of ${present.length} files match the metadata`);
  }

  if (on('1-11')) {
    const col = c('1-11');
    for (const f of files) if (!f.facts.exists) col.add('fail', f.declared.path, '元数据所指的文件不存在', 'the file the metadata points at does not exist', { record: f.record });
    col.finish(`元数据关联的 ${files.length} 个文件均存在`, `all ${files.length} files the metadata points at exist`);
  }

  const counted = { files: files.filter((f) => f.facts.exists).length + input.unclaimed.length, bytes: [...present.map((f) => f.facts.size), ...input.unclaimed.map((u) => u.size)].reduce((a, b) => a + b, 0) };
  const reg = { files: params.registeredFiles ?? input.registered?.files, bytes: params.registeredBytes ?? input.registered?.bytes };
  for (const [item, key, zh, en] of [['2-1', 'files', '件数', 'file count'], ['2-2', 'bytes', '字节数', 'byte count']] as const) {
    if (!on(item)) continue;
    const col = c(item);
    const want = reg[key];
    if (want === undefined) col.add('manual', 'package', `系统统计${zh}为 ${counted[key]}；没有登记的${zh}可比对，需人工核对登记表`, `counted ${en} ${counted[key]}; no registered ${en} to compare with: compare with the register by hand`, { evidence: { counted: counted[key] } });
    else if (want !== counted[key]) col.add('fail', 'package', `${zh}不符：实际 ${counted[key]}，登记 ${want}（${input.registered?.source ?? '检测方案'}）`, `${en} differs: counted ${counted[key]}, registered ${want} (${input.registered?.source ?? 'scheme'})`, { evidence: { counted: counted[key], registered: want } });
    col.finish(`${zh}相符：${counted[key]}`, `${en} matches: ${counted[key]}`, { counted: counted[key], registered: want, source: input.registered?.source });
  }

  if (on('2-11')) {
    const col = c('2-11');
    const missing = files.filter((f) => !f.facts.exists);
    if (missing.length) col.add('fail', 'package', `元数据记录 ${files.length} 个文件，包中缺少 ${missing.length} 个：${missing.slice(0, 5).map((m) => m.declared.path).join('、')}`, `metadata lists ${files.length} files, ${missing.length} are missing`, { evidence: { missing: missing.slice(0, 100).map((m) => m.declared.path) } });
    for (const u of input.unclaimed) col.add('fail', u.path, '包中的文件未被元数据记录', 'a file in the package is not recorded in the metadata');
    col.finish(`包中文件数与元数据一致（${files.length}）`, `files in the package match the metadata (${files.length})`);
  }

  if (on('3-3') || on('3-5') || on('3-8')) {
    const c33 = on('3-3') ? c('3-3') : undefined;
    const c35 = on('3-5') ? c('3-5') : undefined;
    const c38 = on('3-8') ? c('3-8') : undefined;
    for (const f of present) {
      const subject = f.declared.path;
      const fmt = f.facts.format;
      const ins = f.facts.inspection;
      if (c33) {
        if (f.facts.error) c33.add('fail', subject, `无法完成格式校验：${f.facts.error.message.zh}`, `format validation did not finish: ${f.facts.error.message.en}`, { record: f.record, evidence: { error: f.facts.error.code } });
        else if (!params.allowedFormats.includes(fmt as never)) c33.add('fail', subject, `格式 ${fname(fmt)}（按内容识别）不在允许的归档格式中`, `format ${fmt} (identified by content) is not an allowed format`, { record: f.record, evidence: { format: fmt, mime: f.facts.mime, allowed: params.allowedFormats } });
        else if (ins && !ins.ok) c33.add('fail', subject, `${fname(fmt)} 文件损坏或不符合格式：${ins.problems.filter((p) => p.severity === 'error').map((p) => p.message.zh).join('；') || '无法解析'}`, `${fmt} file is damaged or malformed: ${ins.problems.filter((p) => p.severity === 'error').map((p) => p.message.en).join('; ') || 'cannot be parsed'}`, { record: f.record, evidence: { problems: ins.problems.map((p) => p.code) } });
        else {
          const scan = scanVerdict(f, params.minScanDpi);
          if (scan) c33.add(scan.outcome, subject, scan.zh, scan.en, { record: f.record, evidence: scan.evidence });
          else c33.add('pass', subject, `${fname(fmt)}${ins?.version ? ` ${ins.version}` : ''}，可正常解析${ins?.imageOnly ? '（纯图像，无文本层）' : ''}`, `${fmt}${ins?.version ? ` ${ins.version}` : ''}, parses${ins?.imageOnly ? ' (image only, no text layer)' : ''}`, { record: f.record, evidence: { format: fmt, version: ins?.version, pages: ins?.pages, imageOnly: ins?.imageOnly } });
        }
      }
      if (c35) {
        if (!params.longTermFormats.includes(fmt as never)) c35.add('fail', subject, `格式 ${fname(fmt)} 不适合长期保存`, `format ${fmt} is not fit for long-term preservation`, { record: f.record, evidence: { format: fmt, longTerm: params.longTermFormats } });
        else if (ins && !ins.ok) c35.add('fail', subject, `${fname(fmt)} 文件已无法解析`, `the ${fmt} file no longer parses`, { record: f.record });
      }
      if (c38) {
        const bad: string[] = [];
        if (ins?.encrypted) bad.push('加密');
        if (ins?.activeContent?.length) bad.push(`含活动内容（${ins.activeContent.join(', ')}）`);
        if (fmt === 'zip') bad.push('嵌套压缩包');
        if (bad.length) c38.add('fail', subject, `文件${bad.join('、')}`, `the file is ${bad.map((b) => (b === '加密' ? 'encrypted' : b === '嵌套压缩包' ? 'a nested archive' : `carrying active content (${ins?.activeContent?.join(', ')})`)).join(', ')}`, { record: f.record, evidence: { encrypted: ins?.encrypted, activeContent: ins?.activeContent, format: fmt } });
      }
    }
    c33?.finish('格式符合要求', 'formats allowed');
    c35?.finish('格式适合长期保存', 'formats fit for long-term preservation');
    c38?.finish('未使用加密或非公开压缩', 'no encryption or private compression');
  }

  if (on('3-6')) {
    const col = c('3-6');
    const software = new Map<string, number>();
    for (const f of present) {
      const s = f.facts.inspection?.software;
      if (s) software.set(s, (software.get(s) ?? 0) + 1);
    }
    const withoutSw = present.filter((f) => (f.facts.format === 'pdf' || f.facts.format === 'ofd') && !f.facts.inspection?.software);
    if (withoutSw.length) col.add('warn', 'package', `${withoutSw.length} 个版式文件未记录生成软件`, `${withoutSw.length} PDF/OFD files do not record the software that wrote them`, { evidence: { files: withoutSw.slice(0, 50).map((f) => f.declared.path) } });
    col.finish(`生成软件：${[...software.keys()].slice(0, 10).join('、') || '（无记录）'}`, `creating software: ${[...software.keys()].slice(0, 10).join(', ') || '(none recorded)'}`, { software: Object.fromEntries(software) });
  }

  if (on('4-2')) {
    const col = c('4-2');
    const v = input.virus;
    if (!v) col.add('not-run', 'package', '未配置病毒扫描引擎（clamd），病毒检测未执行', 'no virus scanner (clamd) configured: the scan was not run');
    else if ('unavailable' in v) col.add('not-run', 'package', `病毒扫描引擎不可用：${v.unavailable}`, `the virus scanner is unavailable: ${v.unavailable}`);
    else {
      for (const r of v.results) {
        if (r.outcome === 'infected') col.add('fail', r.path, `发现病毒：${r.signature ?? '未知'}`, `infected: ${r.signature ?? 'unknown'}`, { evidence: { signature: r.signature, scanner: v.scanner } });
        else if (r.outcome === 'error') col.add('not-run', r.path, `未能扫描：${r.error ?? ''}`, `could not be scanned: ${r.error ?? ''}`, { evidence: { scanner: v.scanner } });
      }
      col.finish(`${v.results.length} 个文件经 ${v.scanner} 扫描未发现病毒`, `${v.results.length} files scanned clean by ${v.scanner}`, { scanner: v.scanner, files: v.results.length });
    }
  }

  if (on('4-3')) {
    const col = c('4-3');
    for (const u of input.unclaimed) col.add('fail', u.path, `${input.carrier ? '载体' : '包'}中有未归档的多余文件`, `an extra file on the ${input.carrier ? 'carrier' : 'package'} that is not archived`, { evidence: { size: u.size } });
    col.finish(input.carrier ? '载体中无多余文件' : '包中无多余文件', input.carrier ? 'no extra files on the carrier' : 'no extra files in the package');
  }

  if (on('4-4')) {
    const col = c('4-4');
    const r = input.read;
    if (!r || r.bytes < 1 || r.ms <= 0) col.add('not-run', 'package', '没有可测量的读取数据', 'nothing read to measure');
    else {
      const mbps = r.bytes / 1024 / 1024 / (r.ms / 1000);
      const ev = { bytes: r.bytes, ms: Math.round(r.ms), mbps: Number(mbps.toFixed(1)), minimum: params.carrierMinMBps, carrier: Boolean(input.carrier) };
      if (r.bytes < 8 * 1024 * 1024) col.add('pass', 'package', `读取 ${r.bytes} 字节，数据量过小，不评判读取速度`, `read ${r.bytes} bytes: too little to judge the read speed`, { evidence: ev });
      else if (mbps < params.carrierMinMBps) col.add('warn', 'package', `读取速度 ${mbps.toFixed(1)} MB/s 低于正常值 ${params.carrierMinMBps} MB/s，载体可能老化`, `read speed ${mbps.toFixed(1)} MB/s is below the normal ${params.carrierMinMBps} MB/s: the carrier may be degrading`, { evidence: ev });
      else col.add('pass', 'package', `读取 ${mib(r.bytes)} MiB，速度 ${mbps.toFixed(1)} MB/s`, `read ${mib(r.bytes)} MiB at ${mbps.toFixed(1)} MB/s`, { evidence: ev });
    }
  }
}

/** A declared MIME type or format name against the identified format. */
function formatAgrees(declared: string, actual: string): boolean {
  const d = declared.toLowerCase();
  if (d === actual) return true;
  const map: Record<string, string[]> = {
    pdf: ['application/pdf'], ofd: ['application/ofd', 'application/vnd.ofd', 'application/zip'], tiff: ['image/tiff'], jpeg: ['image/jpeg', 'image/jpg'],
    png: ['image/png'], xml: ['application/xml', 'text/xml'], dwg: ['image/vnd.dwg', 'application/acad', 'application/dwg'], ifc: ['application/x-step', 'model/ifc', 'application/ifc'],
  };
  return (map[actual] ?? []).includes(d) || d === 'application/octet-stream';
}

/** DA/T 31 scan rules on an image (or an image-only page source): dpi below the minimum fails, unknown warns. */
function scanVerdict(f: CheckedFile, minDpi: number): { outcome: 'fail' | 'warn'; zh: string; en: string; evidence: Record<string, unknown> } | undefined {
  const ins = f.facts.inspection;
  if (!ins || ins.kind !== 'image' || ins.dpi === undefined) return undefined;
  if (ins.dpi === 'unknown') return { outcome: 'warn', zh: '图像未记录有效分辨率（dpi 未知，不按 72 dpi 推定）', en: 'the image records no valid resolution (dpi unknown; not assumed to be 72)', evidence: { dpi: 'unknown', colourMode: ins.colourMode } };
  const low = Math.min(ins.dpi.x, ins.dpi.y);
  if (low < minDpi) return { outcome: 'fail', zh: `扫描分辨率 ${low} dpi 低于要求的 ${minDpi} dpi`, en: `scan resolution ${low} dpi is below the required ${minDpi} dpi`, evidence: { dpi: ins.dpi, minDpi, colourMode: ins.colourMode } };
  return undefined;
}
