/**
 * The Dangan submission package (报送包) metadata file, `data/metadata.json`, as a zod schema. The JSON
 * Schema in docs/package-metadata.schema.json is generated from it (json-schema.ts), never hand-written.
 *
 * The tree mirrors GB/T 50328 §5.1: project → unit projects (单位工程) → volumes (案卷) → records
 * (卷内文件), exactly as the payload folders do.
 */
import { z } from 'zod';
import { parseBuildingCode, parseProjectCode, parseRegionCode, parseUscc } from '../../codes/index.ts';

export const FORMAT_NAME = 'dangan-submission-package';
export const FORMAT_VERSION = '1.0';

/** GB/T 50328 附录A/B top-level classes. */
export const CATEGORIES = ['A', 'B', 'C', 'D', 'E'] as const;
export const CATEGORY_NAMES: Readonly<Record<Category, string>> = {
  A: '工程准备阶段文件', B: '监理文件', C: '施工文件', D: '竣工图', E: '工程竣工验收文件',
};
/** 保管期限. */
export const RETENTIONS = ['永久', '长期', '短期'] as const;
/** 密级. */
export const SECRECY_LEVELS = ['公开', '内部', '秘密', '机密', '绝密'] as const;

export type Category = (typeof CATEGORIES)[number];
export type Retention = (typeof RETENTIONS)[number];
export type Secrecy = (typeof SECRECY_LEVELS)[number];

/** 统一社会信用代码: 18 symbols of the GB 32100 alphabet; the check character is verified too. */
export const USCC_PATTERN = /^[0-9A-HJ-NPQRTUWXY]{18}$/;
/** One folder name: no Windows-forbidden character, no control character, no trailing dot or space. */
export const SEGMENT_PATTERN = /^[^\\/:*?"<>|\u0000-\u001f]*[^\\/:*?"<>|\u0000-\u001f. ]$/;
/** 页次: a start page, or a range "起-止". */
export const PAGES_PATTERN = /^\d+(-\d+)?$/;
/** GB/T 50328 sub-class: the class letter and a number (A1 … E4). */
export const SUBCLASS_PATTERN = /^[A-E]\d{1,2}$/;

const uscc = z
  .string()
  .regex(USCC_PATTERN)
  .refine((s) => parseUscc(s).ok, { message: 'invalid 统一社会信用代码 check character' })
  .describe('统一社会信用代码 (GB 32100-2015)');
const segment = (what: string) => z.string().min(1).max(120).regex(SEGMENT_PATTERN).describe(what);
const optionalText = (what: string) => z.string().min(1).optional().describe(what);

export const OrganizationSchema = z
  .object({ name: z.string().min(1).describe('单位名称'), uscc })
  .describe('单位 (name + 统一社会信用代码)');

export const RecordFileSchema = z
  .object({
    path: z.string().startsWith('data/').describe('包内路径 (path in the bag, from the bag root)'),
    source: z.string().min(1).describe('原始相对路径 (path in the source folder, as in the 卷内目录 文件 column)'),
    size: z.number().int().nonnegative().describe('字节数'),
  })
  .describe('电子文件');

export const RecordSchema = z
  .object({
    seq: z.number().int().positive().describe('序号'),
    fileNumber: optionalText('文件编号'),
    responsible: z.string().min(1).describe('责任者'),
    title: z.string().min(1).describe('文件题名'),
    date: z.iso.date().describe('日期 (YYYY-MM-DD)'),
    pages: z.string().regex(PAGES_PATTERN).optional().describe('页次 ("5" or "5-12")'),
    note: optionalText('备注'),
    files: z.array(RecordFileSchema).min(1).describe('电子文件'),
  })
  .describe('卷内文件 (one row of the 卷内目录)');

export const VolumeSchema = z
  .object({
    key: segment('案卷号 (案卷顺序号 or 档号; the folder name)'),
    title: z.string().min(1).describe('案卷题名'),
    category: z.enum(CATEGORIES).describe('类别 (GB/T 50328: A 工程准备阶段文件 … E 工程竣工验收文件)'),
    subclass: z.string().regex(SUBCLASS_PATTERN).optional().describe('子类 (e.g. A1 立项文件)'),
    year: z.number().int().min(1900).max(2100).describe('年度'),
    retention: z.enum(RETENTIONS).describe('保管期限'),
    secrecy: z.enum(SECRECY_LEVELS).describe('密级'),
    pages: z.number().int().nonnegative().optional().describe('页数 (total pages of the volume)'),
    compiler: optionalText('编制单位'),
    dateFrom: z.iso.date().optional().describe('起始日期 (earliest record date; computed)'),
    dateTo: z.iso.date().optional().describe('终止日期 (latest record date; computed)'),
    note: optionalText('备注'),
    records: z.array(RecordSchema).describe('卷内文件, in 序号 order'),
  })
  .describe('案卷');

export const UnitSchema = z
  .object({
    number: segment('单位工程编号 (the folder name)'),
    name: z.string().min(1).describe('单位工程名称'),
    buildingCode: z
      .string()
      .refine((s) => parseBuildingCode(s).ok, { message: 'invalid 房屋建筑统一编码' })
      .optional()
      .describe('房屋建筑统一编码 (JGJ/T 496-2022; buildings only)'),
    volumes: z.array(VolumeSchema).describe('案卷'),
  })
  .describe('单位工程');

export const ProjectSchema = z
  .object({
    code: z
      .string()
      .refine((s) => parseProjectCode(s).ok, { message: 'invalid 投资项目统一代码' })
      .regex(/^\d{4}-\d{6}-\d{2}-\d{2}-\d{6}$/)
      .describe('项目代码 (投资项目统一代码, GB/T 40058-2021)'),
    name: z.string().min(1).describe('项目名称'),
    builder: OrganizationSchema.describe('建设单位'),
    regionCode: z
      .string()
      .regex(/^\d{6}$/)
      .refine((s) => parseRegionCode(s).ok, { message: 'invalid 行政区划代码' })
      .describe('行政区划代码 (GB/T 2260)'),
    address: optionalText('项目地址'),
  })
  .describe('建设项目');

export const PackageMetadataSchema = z
  .object({
    format: z.literal(FORMAT_NAME),
    formatVersion: z.literal(FORMAT_VERSION),
    createdAt: z.iso.datetime({ offset: true }).describe('打包时间'),
    software: z.string().describe('打包软件'),
    submitter: OrganizationSchema.describe('报送单位'),
    project: ProjectSchema,
    units: z.array(UnitSchema).min(1).describe('单位工程'),
  })
  .describe('Dangan 报送包元数据 (data/metadata.json)');

export type Organization = z.infer<typeof OrganizationSchema>;
export type RecordFile = z.infer<typeof RecordFileSchema>;
export type PackageRecord = z.infer<typeof RecordSchema>;
export type PackageVolume = z.infer<typeof VolumeSchema>;
export type PackageUnit = z.infer<typeof UnitSchema>;
export type PackageProject = z.infer<typeof ProjectSchema>;
export type PackageMetadata = z.infer<typeof PackageMetadataSchema>;
