/**
 * What one page (or template page) content file holds, for text extraction and the image-only test:
 * the TextCode strings in document order (one line per TextObject, through Layer, PageBlock and
 * CompositeObject nesting), the image objects, the templates it uses and its PageRes files.
 * Does not: render, map glyph indexes (CGTransform) or order text by position on the page.
 */
import { child, kids, type XNode } from './xml.ts';

export type PageSummary = {
  lines: string[];
  /** non-whitespace characters of TextCode */
  chars: number;
  images: number;
  /** Template elements: TemplateID and ZOrder (default Background) */
  templates: { id: string; zOrder: string }[];
  /** PageRes locations as written (relative to the page file) */
  pageRes: string[];
};

export function summarizePage(root: XNode): PageSummary {
  const s: PageSummary = { lines: [], chars: 0, images: 0, templates: [], pageRes: [] };
  for (const t of kids(root, 'Template')) {
    const id = t.attrs['TemplateID'];
    if (id) s.templates.push({ id, zOrder: t.attrs['ZOrder'] ?? 'Background' });
  }
  for (const r of kids(root, 'PageRes')) {
    const loc = r.text.trim();
    if (loc) s.pageRes.push(loc);
  }
  const walk = (n: XNode): void => {
    for (const c of n.children) {
      if (c.name === 'TextObject') {
        let line = '';
        for (const tc of kids(c, 'TextCode')) line += tc.text;
        if (line.trim() !== '') {
          s.lines.push(line);
          s.chars += line.replace(/\s+/g, '').length;
        }
      } else if (c.name === 'ImageObject') s.images++;
      else walk(c);
    }
  };
  const content = child(root, 'Content');
  if (content) walk(content);
  return s;
}
