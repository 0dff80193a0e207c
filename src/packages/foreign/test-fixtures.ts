/** Test-only builders of foreign packages in temporary directories (DA/T 93 folders, DA/T 48 EEP files). */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import iconv from 'iconv-lite';

export async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'dangan-foreign-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Writes files (string → UTF-8 unless `gb` lists the path; Buffer as is) below `dir`. */
export async function writeTree(dir: string, files: Record<string, string | Buffer>, gb: string[] = []): Promise<void> {
  for (const [p, body] of Object.entries(files)) {
    await mkdir(dirname(join(dir, p)), { recursive: true });
    await writeFile(join(dir, p), typeof body === 'string' && gb.includes(p) ? iconv.encode(body, 'gb18030') : body);
  }
}

export type Dat93Item = { 顺序号: number; 档号: string; 题名: string; 责任者?: string; 日期?: string; 页数?: number; 保管期限?: string; 密级?: string; 备注?: string; 文件名?: string[] };

export function dat93Catalog(items: Dat93Item[], encoding = 'GB18030'): string {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const body = items.map((it) => {
    const fields = Object.entries(it).flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => `<${k}>${esc(String(x))}</${k}>`) : [`<${k}>${esc(String(v))}</${k}>`]));
    return `  <文件>${fields.join('')}</文件>`;
  });
  return `<?xml version="1.0" encoding="${encoding}"?>\n<文件目录>\n${body.join('\n')}\n</文件目录>\n`;
}

export const DAT93_ITEMS: Dat93Item[] = [
  { 顺序号: 1, 档号: 'Z001-JS·2023-Y-0001', 题名: '关于某某小区1号楼建设工程规划许可证的批复', 责任者: '某市自然资源和规划局', 日期: '20230315', 页数: 3, 保管期限: '永久', 密级: '公开', 文件名: ['0001-规划许可.pdf'] },
  { 顺序号: 2, 档号: 'Z001-JS·2023-Y-0002', 题名: '某某小区1号楼施工许可证', 责任者: '某市住房和城乡建设局', 日期: '2023-04-02', 页数: 1, 保管期限: '永久', 密级: '内部', 备注: '原件存档 & 复印件' },
];

/** A valid DA/T 93 package: 说明文件 (GB18030), 目录 (GB18030), 全宗/年度/期限 folders, 其他/. */
export async function writeDat93(dir: string, items: Dat93Item[] = DAT93_ITEMS, extra: Record<string, string | Buffer> = {}, catalog?: Buffer | string): Promise<void> {
  const files: Record<string, string | Buffer> = {
    '说明文件.txt': `载体类型：在线\n移交单位：某某置业有限公司\n内容描述：某某小区1号楼建设工程文件\n起止档号：${items[0]?.档号 ?? ''}至${items.at(-1)?.档号 ?? ''}\n档案数量：${items.length}\n`,
    '文件目录.xml': catalog ?? dat93Catalog(items),
    '其他/移交清单.txt': '序号 档号 题名',
  };
  for (const it of items) {
    const base = `Z001/2023/永久/${it.档号}`;
    for (const f of it.文件名 ?? ['正文.pdf']) files[`${base}/${f}`] = `%PDF-1.7 ${it.题名}`;
    files[`${base}/元数据.xml`] = `<?xml version="1.0" encoding="UTF-8"?><文件><档号>${it.档号}</档号></文件>`;
  }
  await writeTree(dir, { ...files, ...extra }, ['说明文件.txt', ...(typeof catalog === 'string' || catalog === undefined ? ['文件目录.xml'] : [])]);
}

export type EepDoc = { id: string; name: string; data: Buffer; declaredSize?: number; base64?: string };

/** A DA/T 48-2009 EEP with one 文件实体 and the given documents (Base64 wrapped at 76 columns). */
export function eepXml(docs: EepDoc[], opts: { signatures?: number; title?: string; extraHead?: string } = {}): string {
  const b64 = (d: EepDoc) => (d.base64 ?? d.data.toString('base64')).replace(/(.{76})/g, '$1\n');
  const docXml = docs.map((d, i) => `<文档><文档标识符>${d.id}</文档标识符><文档序号>${i + 1}</文档序号><文档主从声明>${i ? '附属文档' : '主文档'}</文档主从声明>
<文档数据 文档数据ID="D${i}"><编码 编码ID="E${i}"><电子属性><格式信息>application/pdf</格式信息><计算机文件名>${d.name}</计算机文件名><计算机文件大小>${d.declaredSize ?? d.data.length}</计算机文件大小></电子属性>
<编码描述>本封装包中“编码数据”元素存储的是计算机文件二进制流的Base64编码，有关Base64编码规则参见IETF RFC 2045多用途邮件扩展（MIME）第一部分：因特网信息体格式。当提取和显现封装在编码数据元素中的计算机文件时，应对Base64编码进行反编码，并依据封装包中“反编码关键字”元素中记录的值还原计算机文件的扩展名</编码描述>
<反编码关键字>pdf</反编码关键字><编码数据 编码数据ID="B${i}">\n${b64(d)}\n</编码数据></编码></文档数据></文档>`).join('\n');
  const sigs = Array.from({ length: opts.signatures ?? 0 }, (_, i) => `<电子签名><签名标识符>S${i}</签名标识符><签名规则>SM2</签名规则><签名结果>AAAA</签名结果><证书块><证书>AAAA</证书></证书块><签名算法标识>1.2.156.10197.1.501</签名算法标识></电子签名>`).join('');
  return `<?xml version="1.0" encoding="UTF-8"?>${opts.extraHead ?? ''}
<电子文件封装包 xmlns="http://www.saac.gov.cn/standards/ERM/encapsulation">
<封装包格式描述>本EEP根据中华人民共和国档案行业标准DA/T 48-2009《基于XML的电子文件封装规范》生成</封装包格式描述>
<版本>2009</版本>
<被签名对象 eep版本="2009"><封装包类型>原始型</封装包类型><封装包类型描述>本封装包包含电子文件数据及其元数据，原始封装，未经修改</封装包类型描述>
<封装包创建时间>2023-05-06T10:00:00</封装包创建时间><封装包创建单位>某某置业有限公司</封装包创建单位>
<封装内容><文件实体块><文件实体><聚合层次>文件</聚合层次>
<来源><档案馆名称>某市城建档案馆</档案馆名称><立档单位名称>某某置业有限公司</立档单位名称></来源>
<电子文件号>EF-2023-0001</电子文件号>
<档号><全宗号>Z001</全宗号><目录号>JS</目录号><年度>2023</年度><保管期限>永久</保管期限><室编案卷号>0012</室编案卷号><室编件号>3</室编件号></档号>
<内容描述><题名>${opts.title ?? '某某小区1号楼竣工验收备案表'}</题名><文件编号>建竣备〔2023〕12号</文件编号><责任者>某市住房和城乡建设局</责任者><日期>2023-05-04</日期><密级>内部</密级></内容描述>
<形式特征><文件组合类型>组合文件</文件组合类型><页数>4</页数></形式特征>
<存储位置><脱机载体编号>DK1</脱机载体编号></存储位置>
<附注>扫描件</附注>
<文件数据>${docXml}</文件数据>
</文件实体></文件实体块><业务实体块/><机构人员实体块/></封装内容></被签名对象>
${sigs ? `<电子签名块>${sigs}</电子签名块>` : ''}
</电子文件封装包>
`;
}
