/**
 * One E-ARK METS document (the package's root METS.xml or a representation's own METS.xml): what it
 * declares, and the CSIP requirements that can be checked on the document alone. Requirement ids
 * (CSIP1, CSIP9, …) are those of the DILCIS test corpus' testCase.xml files; each problem code starts
 * with its id (`CSIP69-size-mismatch`). Checks against the bytes are in eark.ts.
 */
import type { PackageProblem } from '../model.ts';
import { attr, err, kid, kids, rootOf, text, warn, type XmlNode } from './common.ts';

export type MetsRef = {
  /** 'file' = fileSec/fileGrp/file (CSIP66–79); 'mdRef' = dmdSec/amdSec metadata reference */
  kind: 'file' | 'mdRef';
  /** dmdSec | digiprovMD | rightsMD | techMD | sourceMD (mdRef), or the fileGrp USE (file) */
  section: string;
  id?: string;
  href: string;
  /** package-relative path the href resolves to (undefined when it is unsafe) */
  path?: string;
  mimetype?: string;
  /** SIZE as declared, digits only (a string: sizes past 2^53 must still compare exactly) */
  size?: string;
  checksum?: string;
  checksumType?: string;
  mdType?: string;
  dmdIds: string[];
  metsPath: string;
};

export type MetsDoc = {
  path: string;
  objid?: string;
  type?: string;
  profile?: string;
  packageType?: string;
  refs: MetsRef[];
  /** dmdSec ID → the referenced file's path (EAD etc.) with its MDTYPE */
  dmd: Map<string, { path?: string; mdType?: string }>;
};

export const SIP_PROFILE = /E-ARK-SIP\.xml$/i;
export const PACKAGE_TYPES = new Set(['SIP', 'AIP', 'DIP', 'AIU', 'AIC']);
/** CHECKSUMTYPE (METS vocabulary) → Node hash name, for the ones verified here. */
export const CHECKSUM_ALGS: Record<string, string> = { MD5: 'md5', 'SHA-1': 'sha1', 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512' };
const METS_CHECKSUM_TYPES = new Set(['Adler-32', 'CRC32', 'HAVAL', 'MD5', 'MNP', 'SHA-1', 'SHA-256', 'SHA-384', 'SHA-512', 'TIGER', 'WHIRLPOOL']);
const MIME = /^(application|audio|example|font|haptics|image|message|model|multipart|text|video)\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}$/;
const MD_SECTIONS = ['techMD', 'rightsMD', 'sourceMD', 'digiprovMD'] as const;

/** Resolves an xlink:href against the METS folder; undefined (with a reason) when absolute or escaping. */
export function resolveHref(href: string, baseDir: string): { path?: string; reason?: { zh: string; en: string } } {
  let h = href.trim();
  try {
    h = decodeURIComponent(h);
  } catch {
    return { reason: { zh: '百分号编码无效', en: 'invalid percent-encoding' } };
  }
  if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(h) || h.startsWith('/') || h.startsWith('\\') || h.startsWith('~')) {
    return { reason: { zh: '是绝对路径或网址，必须是包内相对路径', en: 'is absolute or a URL; it must be a path relative to the package' } };
  }
  if (h.includes('\\') || h.includes('\0')) return { reason: { zh: '含反斜杠或空字符', en: 'contains a backslash or NUL' } };
  const out = baseDir ? baseDir.split('/') : [];
  for (const seg of h.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (out.length === 0) return { reason: { zh: '指向包外', en: 'points outside the package' } };
      out.pop();
    } else out.push(seg);
  }
  if (out.length === 0) return { reason: { zh: '为空', en: 'is empty' } };
  return { path: out.join('/').normalize('NFC') };
}

const P = (req: string, slug: string, zh: string, en: string, path?: string, severity: 'error' | 'warning' = 'error'): PackageProblem =>
  (severity === 'error' ? err : warn)(`${req}-${slug}`, `${req}：${zh}`, `${req}: ${en}`, path);

function readRef(node: XmlNode, loc: XmlNode | undefined, kind: MetsRef['kind'], section: string, metsPath: string, baseDir: string, out: PackageProblem[]): MetsRef {
  const href = attr(loc, 'href') ?? '';
  const sizeRaw = attr(node, 'SIZE');
  const ref: MetsRef = { kind, section, href, metsPath, dmdIds: (attr(node, 'DMDID') ?? '').split(/\s+/).filter(Boolean) };
  const put = <K extends keyof MetsRef>(k: K, v: MetsRef[K] | undefined) => {
    if (v !== undefined && v !== '') ref[k] = v;
  };
  put('id', attr(node, 'ID'));
  put('mimetype', attr(node, 'MIMETYPE'));
  put('checksum', attr(node, 'CHECKSUM')?.toLowerCase());
  put('checksumType', attr(node, 'CHECKSUMTYPE'));
  put('mdType', attr(node, 'MDTYPE'));
  const what = `${kind === 'file' ? 'file' : `${section}/mdRef`} ${JSON.stringify(ref.id ?? href)}`;
  const [cs, ct] = kind === 'file' ? ['CSIP71', 'CSIP72'] : section === 'digiprovMD' ? ['CSIP43', 'CSIP43'] : ['CSIP-mdRef', 'CSIP-mdRef'];
  if (sizeRaw !== undefined && /^\d+$/.test(sizeRaw.trim())) ref.size = sizeRaw.trim().replace(/^0+(?=\d)/, '');
  else if (kind === 'file') out.push(P('CSIP69', sizeRaw === undefined ? 'size-missing' : 'size-invalid', `${what} 缺少有效的 SIZE 属性`, `${what} has no valid SIZE attribute`, metsPath));
  if (kind === 'file' && !ref.id) out.push(P('CSIP67', 'id-missing', `${what} 缺少 ID 属性`, `${what} has no ID attribute`, metsPath));
  if (kind === 'file' && !ref.mimetype) out.push(P('CSIP68', 'mimetype-missing', `${what} 缺少 MIMETYPE 属性`, `${what} has no MIMETYPE attribute`, metsPath));
  else if (ref.mimetype) {
    const [base, ...params] = ref.mimetype.split(';');
    if (!MIME.test(base!.trim())) out.push(P(kind === 'file' ? 'CSIP68' : 'CSIP-mdRef', 'mimetype-invalid', `${what} 的 MIMETYPE“${ref.mimetype}”不是 IANA 媒体类型`, `${what} has MIMETYPE ${JSON.stringify(ref.mimetype)}, not an IANA media type`, metsPath));
    else if (params.length > 0 && kind === 'file') out.push(P('CSIP68', 'mimetype-parameters', `${what} 的 MIMETYPE 含参数“${ref.mimetype}”`, `${what} has parameters in MIMETYPE ${JSON.stringify(ref.mimetype)}`, metsPath, 'warning'));
  }
  if (!ref.checksum) out.push(P(cs, 'checksum-missing', `${what} 缺少 CHECKSUM 属性`, `${what} has no CHECKSUM attribute`, metsPath));
  if (!ref.checksumType) out.push(P(ct, 'checksumtype-missing', `${what} 缺少 CHECKSUMTYPE 属性`, `${what} has no CHECKSUMTYPE attribute`, metsPath));
  else if (!METS_CHECKSUM_TYPES.has(ref.checksumType)) out.push(P(ct, 'checksumtype-invalid', `${what} 的 CHECKSUMTYPE“${ref.checksumType}”不在 METS 词表中`, `${what} has CHECKSUMTYPE ${JSON.stringify(ref.checksumType)}, not in the METS vocabulary`, metsPath));
  if (!loc || !href) out.push(P('CSIP79', 'href-missing', `${what} 缺少 FLocat/@xlink:href`, `${what} has no FLocat/@xlink:href`, metsPath));
  else {
    const r = resolveHref(href, baseDir);
    if (r.path) ref.path = r.path;
    else out.push(P('CSIP79', 'href-unsafe', `${what} 的链接“${href}”${r.reason!.zh}`, `${what}: the link ${JSON.stringify(href)} ${r.reason!.en}`, metsPath));
  }
  return ref;
}

/** Reads one METS document; `baseDir` is its folder inside the package ('' for the root METS). */
export function readMets(doc: XmlNode, metsPath: string, baseDir: string, isRoot: boolean, out: PackageProblem[]): MetsDoc | undefined {
  const root = rootOf(doc);
  if (root?.name !== 'mets') {
    out.push(P('CSIPSTR4', 'not-mets', `${metsPath} 的根元素不是 mets`, `the root element of ${metsPath} is not mets`, metsPath));
    return undefined;
  }
  const m = root.node;
  const put = <K extends 'objid' | 'type' | 'profile' | 'packageType'>(k: K, v: string | undefined) => {
    if (v !== undefined && v.trim() !== '') res[k] = v.trim();
  };
  const res: MetsDoc = { path: metsPath, refs: [], dmd: new Map() };
  put('objid', attr(m, 'OBJID'));
  put('type', attr(m, 'TYPE'));
  put('profile', attr(m, 'PROFILE'));
  if (!res.objid) out.push(P('CSIP1', 'objid-missing', 'mets/@OBJID 不存在或为空', 'mets/@OBJID does not exist or is empty', metsPath));
  if (!res.type) out.push(P('CSIP2', 'type-missing', 'mets/@TYPE 不存在或为空', 'mets/@TYPE does not exist or is empty', metsPath));
  if (isRoot && !res.profile) out.push(P('CSIP6', 'profile-missing', 'mets/@PROFILE 不存在或为空', 'mets/@PROFILE does not exist or is empty', metsPath));

  const hdr = kid(m, 'metsHdr');
  if (!hdr) out.push(P('CSIP117', 'metshdr-missing', 'mets/metsHdr 不存在', 'mets/metsHdr does not exist', metsPath));
  else {
    if (!attr(hdr, 'CREATEDATE')) out.push(P('CSIP7', 'createdate-missing', 'mets/metsHdr/@CREATEDATE 不存在', 'mets/metsHdr/@CREATEDATE does not exist', metsPath));
    put('packageType', attr(hdr, 'OAISPACKAGETYPE'));
    if (isRoot) {
      if (!res.packageType) out.push(P('CSIP9', 'packagetype-missing', 'mets/metsHdr/@csip:OAISPACKAGETYPE 不存在', 'mets/metsHdr/@csip:OAISPACKAGETYPE does not exist', metsPath));
      else if (!PACKAGE_TYPES.has(res.packageType)) out.push(P('CSIP9', 'packagetype-invalid', `mets/metsHdr/@csip:OAISPACKAGETYPE 的值“${res.packageType}”不在 DILCIS 词表中`, `mets/metsHdr/@csip:OAISPACKAGETYPE ${JSON.stringify(res.packageType)} is not in the DILCIS vocabulary`, metsPath));
      else if (res.packageType !== 'SIP') {
        const sip = SIP_PROFILE.test(res.profile ?? '');
        out.push(P('SIP4', 'packagetype-not-sip', `OAISPACKAGETYPE 为“${res.packageType}”，提交信息包应为 SIP`, `OAISPACKAGETYPE is ${JSON.stringify(res.packageType)}; a submission package must be a SIP`, metsPath, sip ? 'error' : 'warning'));
      }
    }
    const agents = kids(hdr, 'agent');
    const creator = agents.find((a) => attr(a, 'ROLE') === 'CREATOR');
    if (agents.length === 0) out.push(P('CSIP10', 'agent-missing', 'mets/metsHdr/agent 不存在', 'mets/metsHdr/agent does not exist', metsPath));
    else if (!creator) out.push(P('CSIP11', 'creator-missing', '没有 ROLE="CREATOR" 的 agent', 'there is no agent with ROLE="CREATOR"', metsPath));
    else if (text(kid(creator, 'name')) === '') out.push(P('CSIP14', 'agent-name-missing', 'CREATOR agent 的 name 不存在或为空', 'the CREATOR agent has no name or an empty name', metsPath));
  }

  for (const d of kids(m, 'dmdSec')) {
    const ref = kid(d, 'mdRef');
    if (!ref) continue;
    const r = readRef(ref, ref, 'mdRef', 'dmdSec', metsPath, baseDir, out);
    res.refs.push(r);
    const id = attr(d, 'ID');
    if (id) res.dmd.set(id, { ...(r.path ? { path: r.path } : {}), ...(r.mdType ? { mdType: r.mdType } : {}) });
  }
  for (const a of kids(m, 'amdSec')) {
    for (const s of MD_SECTIONS) for (const sec of kids(a, s)) for (const ref of kids(sec, 'mdRef')) res.refs.push(readRef(ref, ref, 'mdRef', s, metsPath, baseDir, out));
  }

  const fileSec = kid(m, 'fileSec');
  const groups = new Map<string, string>();
  if (!fileSec) out.push(P('CSIP58', 'filesec-missing', 'mets/fileSec 不存在（强烈建议提供）', 'mets/fileSec does not exist (strongly recommended)', metsPath, 'warning'));
  const walkGroup = (g: XmlNode, outerUse: string) => {
    const use = attr(g, 'USE') ?? outerUse;
    const id = attr(g, 'ID');
    if (id) groups.set(id, use);
    const files = kids(g, 'file');
    if (files.length === 0 && kids(g, 'fileGrp').length === 0) out.push(P('CSIP66', 'filegrp-empty', `fileGrp“${id ?? use}”中没有 file`, `fileGrp ${JSON.stringify(id ?? use)} has no file`, metsPath));
    for (const f of files) res.refs.push(readRef(f, kid(f, 'FLocat'), 'file', use, metsPath, baseDir, out));
    for (const sub of kids(g, 'fileGrp')) walkGroup(sub, use);
  };
  for (const g of kids(fileSec, 'fileGrp')) walkGroup(g, '');

  checkStructMap(m, groups, metsPath, out);
  return res;
}

function checkStructMap(m: XmlNode, groups: Map<string, string>, metsPath: string, out: PackageProblem[]): void {
  const sm = kids(m, 'structMap').find((s) => attr(s, 'TYPE') === 'PHYSICAL' && attr(s, 'LABEL') === 'CSIP');
  if (!sm) {
    out.push(P('CSIP81', 'structmap-missing', '没有 TYPE="PHYSICAL"、LABEL="CSIP" 的 structMap', 'there is no structMap with TYPE="PHYSICAL" and LABEL="CSIP"', metsPath));
    return;
  }
  const main = kid(sm, 'div');
  const divs = kids(main, 'div');
  const repDivs = divs.filter((d) => /^Representations(\/|$)/.test(attr(d, 'LABEL') ?? ''));
  const hasRepGroups = [...groups.values()].some((u) => /^Representations(\/|$)/.test(u));
  if (hasRepGroups && repDivs.length === 0) {
    out.push(P('CSIP104', 'representations-div-missing', '有 Representations 文件组，但 structMap 中没有对应的 div', 'there is a Representations fileGrp but no Representations div in the structMap', metsPath));
  }
  for (const d of divs.filter((x) => attr(x, 'LABEL') === 'Representations')) {
    for (const f of kids(d, 'fptr')) {
      const use = groups.get(attr(f, 'FILEID') ?? '');
      if (use === undefined || !/^Representations(\/|$)/.test(use)) {
        out.push(P('CSIP104', 'fptr-not-representations', `Representations div 的 fptr 指向“${attr(f, 'FILEID') ?? ''}”，其 USE 不是 Representations`, `the Representations div's fptr points to ${JSON.stringify(attr(f, 'FILEID') ?? '')}, whose USE is not Representations`, metsPath));
      }
    }
  }
}
