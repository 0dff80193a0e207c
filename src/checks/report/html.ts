/**
 * The check report as one self-contained HTML page (no scripts, inline styles, every value escaped):
 * verdict and counts, the items per property, then every finding grouped by item. Chinese by default,
 * English with `lang: 'en'`. Pure.
 */
import type { CheckReport, CheckResult, Outcome } from '../model.ts';
import { CLASS_NAMES, STAGE_NAMES } from '../registry/items.ts';

const esc = (s: unknown) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export const OUTCOME_NAMES: Record<Outcome, { zh: string; en: string }> = {
  pass: { zh: '通过', en: 'pass' },
  fail: { zh: '不通过', en: 'fail' },
  warn: { zh: '警告', en: 'warning' },
  manual: { zh: '待人工', en: 'manual' },
  'not-run': { zh: '未检测', en: 'not run' },
};
export const VERDICT_NAMES = { passed: { zh: '通过', en: 'Passed' }, failed: { zh: '不通过', en: 'Failed' }, incomplete: { zh: '未完成', en: 'Incomplete' } } as const;
const COLOURS: Record<Outcome, string> = { pass: '#389e0d', fail: '#cf1322', warn: '#d48806', manual: '#1677ff', 'not-run': '#8c8c8c' };

export function checkReportHtml(report: CheckReport, options: { lang?: 'zh' | 'en'; maxPerItem?: number } = {}): string {
  const lang = options.lang ?? 'zh';
  const t = (b: { zh: string; en: string }) => b[lang];
  const zh = lang === 'zh';
  const max = options.maxPerItem ?? 500;
  const s = report.summary;
  const title = zh ? `电子档案四性检测报告（${STAGE_NAMES[report.stage].zh}）` : `Four-properties check report (${STAGE_NAMES[report.stage].en})`;
  const badge = (o: Outcome) => `<span class="b" style="background:${COLOURS[o]}">${esc(t(OUTCOME_NAMES[o]))}</span>`;
  const rows: string[] = [];
  for (const cls of ['authenticity', 'integrity', 'usability', 'security'] as const) {
    const items = report.byItem.filter((i) => i.class === cls);
    if (!items.length) continue;
    rows.push(`<tr class="h"><th colspan="4">${esc(t(CLASS_NAMES[cls]))}</th></tr>`);
    for (const i of items) rows.push(`<tr><td class="c">${esc(i.code)}</td><td>${esc(t(i.name))}</td><td>${esc(i.severity === 'blocking' ? (zh ? '阻断' : 'blocking') : zh ? '提示' : 'warning')}</td><td>${badge(i.outcome)}</td></tr>`);
  }
  const findings = new Map<string, CheckResult[]>();
  for (const r of report.items) if (r.outcome !== 'pass') findings.set(r.code, [...(findings.get(r.code) ?? []), r]);
  const sections: string[] = [];
  for (const i of report.byItem) {
    const list = findings.get(i.code);
    if (!list) continue;
    const shown = list.slice(0, max).map((r) => `<li>${badge(r.outcome)} <code>${esc(r.subject)}</code> ${esc(t(r.message))}</li>`).join('');
    const more = list.length > max ? `<li>${esc(zh ? `…另有 ${list.length - max} 条（见 JSON 报告）` : `… ${list.length - max} more (see the JSON report)`)}</li>` : '';
    sections.push(`<h3>${esc(i.code)} ${esc(t(i.name))}</h3><ul>${shown}${more}</ul>`);
  }
  const tasks = report.tasks.map((k) => `<li>${esc(k.code)} ${esc(t(k.name))} — ${esc(k.state === 'open' ? (zh ? '待处理' : 'open') : `${zh ? '已完成' : 'done'}: ${k.outcome ?? ''} ${k.note ?? ''}`)}</li>`).join('');
  const counts = (Object.keys(OUTCOME_NAMES) as Outcome[]).map((o) => `<span class="n">${badge(o)} ${s.counts[o]}</span>`).join(' ');
  return `<!doctype html>
<html lang="${zh ? 'zh-CN' : 'en'}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>body{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;max-width:1000px;margin:24px auto;padding:0 16px;color:#222}
table{border-collapse:collapse;width:100%}td,th{border:1px solid #ddd;padding:4px 8px;text-align:left}tr.h th{background:#f5f5f5}
td.c,code{font-family:monospace}.b{color:#fff;border-radius:3px;padding:0 6px;font-size:12px}.n{margin-right:12px}
.v{font-size:20px;font-weight:bold;padding:8px 12px;border:2px solid;display:inline-block;margin:8px 0}ul{padding-left:18px}li{margin:2px 0}</style></head>
<body><h1>${esc(title)}</h1>
<p>${esc(zh ? '检测对象' : 'Target')}: ${esc(report.target.name)}<br>${esc(zh ? '检测方案' : 'Scheme')}: ${esc(report.scheme.name)} (v${esc(report.scheme.version)})<br>
${esc(zh ? '开始 / 结束' : 'Started / finished')}: ${esc(report.startedAt)} / ${esc(report.finishedAt)}<br>${esc(zh ? '文件' : 'Files')}: ${esc(s.files)}, ${esc(s.bytes)} ${esc(zh ? '字节' : 'bytes')}<br>${esc(report.tool)}</p>
<div class="v" style="border-color:${s.verdict === 'passed' ? COLOURS.pass : s.verdict === 'failed' ? COLOURS.fail : COLOURS.manual}">${esc(zh ? '结论' : 'Verdict')}: ${esc(t(VERDICT_NAMES[s.verdict]))}</div>
<p>${counts}</p>
<table><thead><tr><th>${esc(zh ? '编号' : 'Code')}</th><th>${esc(zh ? '检测项目' : 'Item')}</th><th>${esc(zh ? '级别' : 'Severity')}</th><th>${esc(zh ? '结果' : 'Outcome')}</th></tr></thead><tbody>${rows.join('')}</tbody></table>
<h2>${esc(zh ? '问题清单' : 'Findings')}</h2>${sections.join('') || `<p>${esc(zh ? '无' : 'None')}</p>`}
<h2>${esc(zh ? '人工检测任务' : 'Manual tasks')}</h2><ul>${tasks || `<li>${esc(zh ? '无' : 'None')}</li>`}</ul>
</body></html>`;
}
