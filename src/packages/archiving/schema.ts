import { z } from 'zod';

/** Options of the archiving API, from the environment (read once, at the edge). */
export type ArchivingOptions = {
  /** most records in one batch request (DANGAN_ARCHIVING_BATCH_MAX, default 500) */
  batchMax: number;
  /** request body limit of the two push routes, base64 included (DANGAN_ARCHIVING_BODY_LIMIT, default 64 MiB) */
  bodyLimit: number;
  /** how long an Idempotency-Key is remembered (DANGAN_IDEMPOTENCY_HOURS, default 24, at least 24) */
  idempotencyHours: number;
  /** webhook targets allowed (DANGAN_WEBHOOK_ALLOW): host names or `.suffix`es; empty = any host */
  webhookAllow: string[];
};

export const INLINE_MAX = 1024 * 1024;
export const EVENTS = ['submission.received', 'submission.checked', 'submission.accepted'] as const;
export type SubmissionEvent = (typeof EVENTS)[number];

const Env = z.object({
  DANGAN_ARCHIVING_BATCH_MAX: z.coerce.number().int().min(1).max(10_000).default(500),
  DANGAN_ARCHIVING_BODY_LIMIT: z.coerce.number().int().min(1024 * 1024).default(64 * 1024 * 1024),
  DANGAN_IDEMPOTENCY_HOURS: z.coerce.number().min(24).default(24),
  DANGAN_WEBHOOK_ALLOW: z.string().default(''),
});

export function loadArchivingOptions(env: NodeJS.ProcessEnv = process.env): ArchivingOptions {
  const parsed = Env.safeParse(env);
  if (!parsed.success) {
    throw new Error(`配置错误 / invalid configuration:\n${parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}`);
  }
  const e = parsed.data;
  return {
    batchMax: e.DANGAN_ARCHIVING_BATCH_MAX,
    bodyLimit: e.DANGAN_ARCHIVING_BODY_LIMIT,
    idempotencyHours: e.DANGAN_IDEMPOTENCY_HOURS,
    webhookAllow: e.DANGAN_WEBHOOK_ALLOW.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean),
  };
}

const hex = (n: number) => z.string().regex(new RegExp(`^[0-9a-fA-F]{${n}}$`)); // no transform: zod drops examples of schemas that transform
const text = (max: number) => z.string().trim().min(1).max(max);

export const FileInput = z.object({
  path: z.string().min(1).max(255).describe('文件名（可含“/”分隔的子目录），在本条文件内唯一'),
  format: z.string().max(100).optional().describe('MIME 类型，如 application/pdf'),
  sha256: hex(64).optional().describe('调用方声明的 SHA-256（十六进制）；与实际不符时 422'),
  sm3: hex(64).optional().describe('调用方声明的 SM3（十六进制）；与实际不符时 422'),
  contentBase64: z.string().max(Math.ceil(INLINE_MAX / 3) * 4 + 4).optional().describe('≤ 1 MiB 的小文件：base64 内容'),
  uploadId: z.uuid().optional().describe('大文件：先用 tus（/api/uploads）上传完成，再在此引用其 id'),
}).refine((f) => (f.contentBase64 === undefined) !== (f.uploadId === undefined), { message: 'exactly one of contentBase64 or uploadId' });

export const RECORD_EXAMPLE = {
  project: { projectCode: '2303-371402-04-01-356821' },
  submitter: { uscc: '91371400168320467Q', name: '山东德建建设集团有限公司' },
  unit: { code: '01', name: '综合楼' },
  volume: { title: '综合楼 施工文件 第一卷', category: 'C', year: 2024, retention: 'permanent', classification: 'none' },
  record: {
    seq: 1, docNumber: '德建施〔2024〕12号', author: '山东德建建设集团有限公司', title: '工程开工报审表',
    date: '2024-03-18', pages: 2, category: 'C', subclass: 'C1',
    files: [{ path: '工程开工报审表.pdf', format: 'application/pdf', sha256: 'e5c62df5dab5c87b6a015ef3d43597074d1eec433b15f51aec63b8582d0e4ab4', contentBase64: 'JVBERi0xLjQK' }],
  },
};

export const RecordInput = z.object({
  project: z.object({
    projectCode: z.string().max(40).optional().describe('投资项目统一代码（GB/T 40058）'),
    projectId: z.uuid().optional(),
  }).refine((p) => p.projectCode !== undefined || p.projectId !== undefined, { message: 'projectCode or projectId is required' }).meta({ examples: [RECORD_EXAMPLE.project] }),
  submitter: z.object({
    uscc: z.string().max(18).optional().describe('报送单位统一社会信用代码（GB 32100）'),
    name: z.string().max(200).optional(),
  }).meta({ examples: [RECORD_EXAMPLE.submitter] }).optional(),
  unit: z.object({
    code: text(50).describe('单位工程编号'),
    name: text(300).describe('单位工程名称'),
    buildingCode: z.string().max(40).optional().describe('房屋建筑统一编码（JGJ/T 496）'),
  }).meta({ examples: [RECORD_EXAMPLE.unit] }).optional(),
  volume: z.object({
    title: text(500).describe('案卷题名'),
    archivalCode: z.string().max(100).optional().describe('档号'),
    category: z.enum(['A', 'B', 'C', 'D', 'E']).optional().describe('GB/T 50328 大类'),
    subclass: z.string().max(20).optional(),
    year: z.number().int().min(1900).max(2200).optional(),
    retention: z.enum(['permanent', 'long', 'short']).optional().describe('保管期限'),
    classification: z.enum(['none', 'internal', 'confidential', 'secret']).optional().describe('密级'),
    pages: z.number().int().min(0).max(1_000_000).optional(),
  }).meta({ examples: [RECORD_EXAMPLE.volume] }),
  record: z.object({
    seq: z.number().int().min(1).max(100_000).describe('序号'),
    docNumber: z.string().max(100).optional().describe('文件编号'),
    author: z.string().max(300).optional().describe('责任者'),
    title: text(1000).describe('文件题名'),
    date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional().describe('日期 YYYY-MM-DD'),
    pages: z.number().int().min(0).max(1_000_000).optional().describe('页次/页数'),
    remarks: z.string().max(2000).optional().describe('备注'),
    category: z.enum(['A', 'B', 'C', 'D', 'E']).optional().describe('GB/T 50328 大类'),
    subclass: z.string().max(20).optional().describe('GB/T 50328 小类，如 C2'),
    files: z.array(FileInput).min(1).max(200),
  }).meta({ examples: [RECORD_EXAMPLE.record] }),
});
export type RecordInput = z.infer<typeof RecordInput>;

export const batchInput = (max: number) => z.object({
  records: z.array(RecordInput).min(1).max(max).describe(`至多 ${max} 条，全部成功或全部不生效`),
});

export const IdempotencyHeaders = z.object({
  'idempotency-key': z.string().regex(/^[\x21-\x7e]{1,200}$/).describe('调用方生成的幂等键（1–200 个可打印 ASCII 字符），如 UUID；网络出错重试时原样重发'),
}).loose(); // other headers pass through untouched

export const RecordResult = z.object({
  submissionId: z.uuid(),
  projectId: z.uuid(),
  state: z.string(),
  files: z.array(z.object({ path: z.string(), size: z.number(), sha256: z.string(), sm3: z.string() }))
    .meta({ examples: [[{ path: '工程开工报审表.pdf', size: 9, sha256: RECORD_EXAMPLE.record.files[0]!.sha256, sm3: '56f7c9b038ae39f1ab7d5be3a3caabef8d444b9cd6839c86a24edddfbb753039' }]] }),
});
export type RecordResult = z.infer<typeof RecordResult>;
export const RecordResponse = RecordResult.extend({ replayed: z.boolean().describe('true：同一幂等键的重放，返回首次结果') });
export const BatchResponse = z.object({
  replayed: z.boolean(),
  results: z.array(RecordResult.extend({ index: z.number().int() })),
});

export const WebhookInput = z.object({
  url: z.string().url().max(2000).describe('接收地址（http/https）').meta({ examples: ['https://erp.example.com/dangan/hooks'] }),
  events: z.array(z.enum(EVENTS)).min(1).default(['submission.received', 'submission.checked', 'submission.accepted']),
  scope: z.enum(['own', 'repository']).default('own').describe('own：本账号的报送；repository：本馆全部报送（仅档案馆人员）'),
  secret: z.string().min(16).max(200).optional().describe('签名密钥；不填则由服务器生成并仅在创建时返回一次'),
  description: z.string().max(300).default('').meta({ examples: ['施工企业资料系统回调'] }),
});
export const WebhookView = z.object({
  id: z.uuid(), url: z.string(), events: z.array(z.string()), scope: z.string(), description: z.string(), active: z.boolean(), createdAt: z.string(),
});
export type WebhookView = z.infer<typeof WebhookView>;
