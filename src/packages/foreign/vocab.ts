/**
 * Chinese archival vocabularies → model values: 保管期限 (GB/T 50328: 永久/长期/短期; GB/T 18894:
 * 永久/定期30年/定期10年; codes Y/C/D, D30/D10) and 密级 (公开/内部/秘密/机密; 绝密 is refused: such
 * records do not belong in this system).
 */
import type { IncomingVolume, PackageProblem } from '../model.ts';
import { err, warn } from './common.ts';

type Retention = NonNullable<IncomingVolume['retention']>;
type Classification = NonNullable<IncomingVolume['classification']>;

const RETENTION: Record<string, Retention> = {
  永久: 'permanent', Y: 'permanent', 长期: 'long', C: 'long', 定期30年: 'long', '30年': 'long', D30: 'long', 短期: 'short', D: 'short', 定期10年: 'short', '10年': 'short', D10: 'short',
};
const CLASSIFICATION: Record<string, Classification> = { 公开: 'none', 无: 'none', 非密: 'none', 内部: 'internal', 限制: 'internal', 秘密: 'confidential', 机密: 'secret' };
const R_ORDER: Retention[] = ['short', 'long', 'permanent'];
const C_ORDER: Classification[] = ['none', 'internal', 'confidential', 'secret'];

export function retentionOf(raw: string | undefined, out: PackageProblem[], path?: string): Retention | undefined {
  if (!raw) return undefined;
  const v = RETENTION[raw.replace(/\s|-/g, '')];
  if (!v) out.push(warn('retention-unknown', `保管期限“${raw}”无法识别`, `retention ${JSON.stringify(raw)} is not recognised`, path));
  return v;
}

export function classificationOf(raw: string | undefined, out: PackageProblem[], path?: string): Classification | undefined {
  if (!raw) return undefined;
  const s = raw.replace(/\s/g, '').replace(/★.*$/, '');
  if (s.startsWith('绝密')) {
    out.push(err('classification-top-secret', '密级为绝密的档案不能通过本系统接收', 'records classified 绝密 (top secret) cannot be received through this system', path));
    return undefined;
  }
  const v = CLASSIFICATION[s];
  if (!v) out.push(warn('classification-unknown', `密级“${raw}”无法识别`, `classification ${JSON.stringify(raw)} is not recognised`, path));
  return v;
}

/** The longer retention and the higher classification of a volume and one of its records. */
export function stricter(r1: Retention | undefined, r2: Retention | undefined, c1: Classification | undefined, c2: Classification | undefined): { retention?: Retention; classification?: Classification } {
  const pick = <T>(order: T[], a: T | undefined, b: T | undefined) => (a === undefined ? b : b === undefined ? a : order.indexOf(a) >= order.indexOf(b) ? a : b);
  const retention = pick(R_ORDER, r1, r2);
  const classification = pick(C_ORDER, c1, c2);
  return { ...(retention ? { retention } : {}), ...(classification ? { classification } : {}) };
}
