/**
 * The one internal model every incoming package maps to (the Dangan bag, E-ARK SIP, DA/T 93 folder
 * package, DA/T 48 EEP, the archiving API): what a submission says it contains, before any check.
 * Readers of each format produce it; checks (DA/T 70) and acceptance consume it.
 */
export type Bilingual = { zh: string; en: string };
export type PackageProblem = { code: string; severity: 'error' | 'warning'; path?: string; message: Bilingual };

export type IncomingFile = {
  /** path inside the package, '/'-separated, NFC */
  path: string;
  size: number;
  /** digests the package itself declares (lower-case hex); verified against the bytes by the reader or later */
  declared: { sha256?: string; sha512?: string; sm3?: string; md5?: string };
  /** MIME type the package declares, if any (format identification by content is the checks' job) */
  format?: string;
};

export type IncomingRecord = {
  key: string;            // stable within the package
  volumeKey: string;
  seq: number;            // 序号
  title: string;          // 文件题名
  author?: string;        // 责任者
  date?: string;          // 日期 YYYY-MM-DD
  docNumber?: string;     // 文件编号
  pages?: number;         // 页次 (where the file starts in the volume, as the 卷内目录 gives it)
  pageCount?: number;     // 页数, when the metadata records how many pages the file has (DA/T 70 1-10 compares it)
  remarks?: string;       // 备注
  category?: string;      // GB/T 50328 class A–E
  subclass?: string;
  files: IncomingFile[];
};

export type IncomingVolume = {
  key: string;
  unitCode?: string;
  archivalCode?: string;  // 档号, when the package carries one
  title: string;          // 案卷题名
  category?: string;
  subclass?: string;
  year?: number;
  retention?: 'permanent' | 'long' | 'short';
  classification?: 'none' | 'internal' | 'confidential' | 'secret';
  pages?: number;
};

export type IncomingPackage = {
  source: { format: 'dangan-bag' | 'bagit' | 'eark-sip' | 'dat93' | 'eep' | 'api'; path?: string; version?: string };
  submitter?: { uscc?: string; name?: string };
  project?: { projectCode?: string; name?: string; builderName?: string; builderUscc?: string; regionCode?: string; address?: string };
  units: { code: string; name: string; buildingCode?: string }[];
  volumes: IncomingVolume[];
  records: IncomingRecord[];
  /** totals the sender registered for the package (bag-info Payload-Oxum, a transfer register) — DA/T 70 2-1/2-2 */
  registered?: { files: number; bytes: number; source: string };
  /** files present in the package that no record claims (reported; DA/T 70 4-3 "extra files") */
  unclaimed: IncomingFile[];
  problems: PackageProblem[];
};
