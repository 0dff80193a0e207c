/**
 * Identify a file by content and run the validator for its format (formats/): the facts each validator
 * measured, normalised into the engine's `Inspection` and `SignatureFact` shapes. Validators never throw
 * for bad input; an unexpected throw here is reported as the file's `crash`, never as a pass.
 */
import type { CertificateInfo, FormatId } from '../formats/model.ts';
import { identifyFile, inspectAv, inspectDwg, inspectIfc, inspectImage, inspectXml } from '../formats/basic.ts';
import { inspectOfd } from '../formats/ofd/index.ts';
import { inspectPdf } from '../formats/pdf/index.ts';
import type { FileFacts, Inspection, SignatureFact } from './facts.ts';

type Validated = Pick<FileFacts, 'format' | 'mime' | 'extensionMatches' | 'inspection' | 'signatures' | 'error'>;

const who = (c: CertificateInfo | undefined) => (c ? (/CN=([^,]+)/.exec(c.subject)?.[1] ?? c.subject) : undefined);
const IMAGE: ReadonlySet<FormatId> = new Set(['tiff', 'jpeg', 'png', 'jp2', 'gif', 'bmp']);

export async function validate(abs: string, name: string, opts: { size: number; maxFileBytes: number; validate: boolean }): Promise<Validated> {
  const id = await identifyFile(abs, name);
  const base: Validated = { format: id.format, mime: id.mime, signatures: [], ...(id.extensionMatches !== undefined ? { extensionMatches: id.extensionMatches } : {}) };
  if (!opts.validate) return base;
  if (opts.size > opts.maxFileBytes) {
    return { ...base, inspection: { kind: 'pdf', ok: false, problems: [{ code: 'file-too-large', severity: 'error', message: { zh: `文件超过检测上限 ${opts.maxFileBytes} 字节`, en: `the file exceeds the check limit of ${opts.maxFileBytes} bytes` } }] } };
  }
  const f = id.format;
  if (f === 'pdf') {
    const p = await inspectPdf(abs, { maxBytes: opts.maxFileBytes });
    const inspection: Inspection = {
      kind: 'pdf', ok: p.ok, problems: p.problems, ...(p.version ? { version: p.version } : {}), ...(p.pages != null ? { pages: p.pages } : {}),
      textChars: p.textChars, imageOnly: p.imageOnly, encrypted: p.encrypted,
      activeContent: [...(p.javascript ? ['JavaScript'] : []), ...(p.launchActions ? ['Launch'] : []), ...(p.embeddedFiles ? ['EmbeddedFiles'] : [])],
      ...(p.info.created ? { created: p.info.created } : {}), ...(p.info.producer || p.info.creator ? { software: [p.info.creator, p.info.producer].filter(Boolean).join(' / ') } : {}),
      details: { pdfa: p.pdfa },
    };
    const signatures: SignatureFact[] = p.signatures.map((s, i) => ({
      kind: 'pdf', id: s.field ?? `sig${i + 1}`, intact: s.intact, trust: s.trust, ...(who(s.signer) ? { signer: who(s.signer)! } : {}), ...(s.signingTime ? { signingTime: s.signingTime } : {}),
      problems: [...s.problems.map((x) => x.message.en), ...(s.modifiedAfter === 'incremental-suspicious' ? ['changed after signing'] : [])],
    }));
    return { ...base, inspection, signatures };
  }
  if (f === 'ofd') {
    const o = await inspectOfd(abs, { maxBytes: opts.maxFileBytes });
    const inspection: Inspection = {
      kind: 'ofd', ok: o.ok, problems: o.problems, ...(o.version ? { version: o.version } : {}), ...(o.pages != null ? { pages: o.pages } : {}),
      textChars: o.textChars, imageOnly: o.imageOnly, ...(o.info.creationDate ? { created: o.info.creationDate } : {}), ...(o.info.creator ? { software: [o.info.creator, o.info.creatorVersion].filter(Boolean).join(' ') } : {}),
      details: { docType: o.docType },
    };
    const signatures: SignatureFact[] = o.signatures.map((s) => ({
      kind: s.type === 'Sign' ? 'ofd-sign' : 'ofd-seal', id: s.id, intact: s.intact, trust: s.trust,
      ...(s.sealName ?? who(s.signer) ? { signer: (s.sealName ?? who(s.signer))! } : {}), ...(s.signingTime ? { signingTime: s.signingTime } : {}),
      problems: s.problems.map((x) => x.message.en),
    }));
    return { ...base, inspection, signatures };
  }
  if (IMAGE.has(f)) {
    const i = await inspectImage(abs);
    return { ...base, inspection: { kind: 'image', ok: i.ok, problems: i.problems, ...(i.pages !== undefined ? { pages: i.pages } : {}), dpi: i.dpi, ...(i.colourMode ? { colourMode: i.colourMode } : {}), details: { width: i.width, height: i.height, bitsPerSample: i.bitsPerSample, compression: i.compression, dpiSource: i.dpiSource } } };
  }
  if (f === 'xml') {
    const x = await inspectXml(abs);
    return { ...base, inspection: { kind: 'xml', ok: x.ok, problems: x.problems, details: { root: x.root, encoding: x.encoding } } };
  }
  if (f === 'ifc') {
    const x = await inspectIfc(abs);
    return { ...base, inspection: { kind: 'ifc', ok: x.ok, problems: x.problems, ...(x.schema ? { schema: x.schema, version: x.schema } : {}), details: { schemaKnown: x.schemaKnown, hasProject: x.hasProject } } };
  }
  if (f === 'dwg') {
    const x = await inspectDwg(abs);
    return { ...base, inspection: { kind: 'dwg', ok: x.ok, problems: x.problems, ...(x.version ? { version: x.version } : {}), details: { release: x.release } } };
  }
  if (['mp4', 'mov', 'avi', 'mpeg', 'flv', 'mp3', 'wav', 'flac'].includes(f)) {
    const x = await inspectAv(abs);
    return { ...base, inspection: { kind: 'av', ok: x.ok, problems: x.problems, details: { container: x.container, codec: x.codec, durationSeconds: x.durationSeconds } } };
  }
  return base;
}
