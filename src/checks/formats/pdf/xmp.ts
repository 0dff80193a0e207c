/**
 * A tiny namespace-aware reader for XMP packets (RDF/XML): enough to read simple properties, rdf:Alt / rdf:Seq /
 * rdf:Bag items, and properties written as attributes of rdf:Description. Resolves prefixes through scoped xmlns
 * declarations, so a property in the wrong namespace or with the wrong prefix can be told apart.
 *
 * Deliberately NOT a general XML parser: no DTDs, no CDATA subtleties beyond skipping, no validation of the XMP
 * data model, no extension-schema (pdfaExtension) processing.
 */

export type XmpValue = { ns: string; prefix: string; name: string; text?: string; items?: { text: string; lang?: string }[] };

type El = { tag: string; attrs: Map<string, string>; children: El[]; text: string; ns: Map<string, string>; parent: El | null };

const decode = (s: string): string =>
  s.replace(/&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);/g, (_, e: string) =>
    e === 'amp' ? '&' : e === 'lt' ? '<' : e === 'gt' ? '>' : e === 'quot' ? '"' : e === 'apos' ? "'" : String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10)),
  );

function parse(xml: string): El {
  const root: El = { tag: '#root', attrs: new Map(), children: [], text: '', ns: new Map([['xml', 'http://www.w3.org/XML/1998/namespace']]), parent: null };
  let cur = root;
  const re = /<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!\[CDATA\[([\s\S]*?)\]\]>|<!DOCTYPE[^>]*>|<(\/?)([\w:.-]+)((?:\s+[\w:.-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>|([^<]+)/g;
  let m: RegExpExecArray | null;
  let steps = 0;
  while ((m = re.exec(xml)) && steps++ < 200_000) {
    if (m[6] !== undefined) {
      cur.text += decode(m[6]);
      continue;
    }
    if (m[1] !== undefined) {
      cur.text += m[1];
      continue;
    }
    if (!m[3]) continue;
    if (m[2] === '/') {
      if (cur.parent) cur = cur.parent;
      continue;
    }
    const attrs = new Map<string, string>();
    const ns = new Map(cur.ns);
    for (const a of (m[4] ?? '').matchAll(/([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
      const v = decode(a[2] ?? a[3] ?? '');
      if (a[1] === 'xmlns') ns.set('', v);
      else if (a[1]!.startsWith('xmlns:')) ns.set(a[1]!.slice(6), v);
      else attrs.set(a[1]!, v);
    }
    const el: El = { tag: m[3], attrs, children: [], text: '', ns, parent: cur };
    cur.children.push(el);
    if (m[5] !== '/') cur = el;
  }
  return root;
}

const split = (q: string): [string, string] => {
  const i = q.indexOf(':');
  return i < 0 ? ['', q] : [q.slice(0, i), q.slice(i + 1)];
};
const RDF = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#';

/** Every property (element or attribute) inside rdf:Description elements. */
export function readXmp(xml: string): XmpValue[] {
  const out: XmpValue[] = [];
  const root = parse(xml);
  const visit = (el: El, depth: number): void => {
    if (depth > 50) return;
    const [p, local] = split(el.tag);
    if (local === 'Description' && el.ns.get(p) === RDF) {
      for (const [k, v] of el.attrs) {
        const [ap, an] = split(k);
        if (!ap || el.ns.get(ap) === RDF || ap === 'xml') continue;
        out.push({ ns: el.ns.get(ap) ?? '', prefix: ap, name: an, text: v });
      }
      for (const c of el.children) {
        const [cp, cn] = split(c.tag);
        const ns = c.ns.get(cp) ?? '';
        const container = c.children.find((x) => ['Alt', 'Seq', 'Bag'].includes(split(x.tag)[1]) && x.ns.get(split(x.tag)[0]) === RDF);
        if (container) {
          const items = container.children
            .filter((x) => split(x.tag)[1] === 'li')
            .map((x) => ({ text: x.text.trim(), ...(x.attrs.get('xml:lang') ? { lang: x.attrs.get('xml:lang')! } : {}) }));
          out.push({ ns, prefix: cp, name: cn, items });
        } else out.push({ ns, prefix: cp, name: cn, text: c.text.trim() });
      }
    }
    for (const c of el.children) visit(c, depth + 1);
  };
  visit(root, 0);
  return out;
}

export const NS = {
  pdfaid: 'http://www.aiim.org/pdfa/ns/id/',
  dc: 'http://purl.org/dc/elements/1.1/',
  pdf: 'http://ns.adobe.com/pdf/1.3/',
  xmp: 'http://ns.adobe.com/xap/1.0/',
} as const;

/** The single value of a property: its text, the x-default (or only) item of an Alt, or the only item of a Seq. */
export function xmpText(props: XmpValue[], ns: string, name: string): { value?: string; count: number } | undefined {
  const p = props.find((x) => x.ns === ns && x.name === name);
  if (!p) return undefined;
  if (p.items) {
    const def = p.items.find((i) => i.lang === 'x-default') ?? (p.items.length === 1 ? p.items[0] : undefined);
    return { ...(def ? { value: def.text } : {}), count: p.items.length };
  }
  return { value: p.text ?? '', count: 1 };
}
