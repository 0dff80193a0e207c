import { CheckCircleFilled, CloseCircleFilled, ExclamationCircleFilled, SyncOutlined } from '@ant-design/icons';
import { Tag } from 'antd';
import type {
  AuditMode,
  AuditStatus,
  FindingKind,
  LocationRole,
  PackageStateName,
  ReplicaStateName,
  StorageLocation,
} from '../api/types.ts';
import type { Translate } from '../i18n/I18nProvider.tsx';
import { useT } from '../i18n/useT.ts';

const roleColor: Record<LocationRole, string> = {
  primary: 'geekblue',
  'same-city': 'cyan',
  'off-site': 'purple',
  offline: 'default',
};

/** 主存储 / 同城备份 / 异地备份 / 脱机 */
export function roleText(t: Translate, role: LocationRole): string {
  return t(`storage.role.${role}`);
}

/**
 * How a location is named in tables: its role label, plus its configured name when that says more
 * (two off-site locations, or a name that is not simply the role).
 */
export function locationText(t: Translate, name: string, locations: StorageLocation[] | undefined): string {
  const l = locations?.find((x) => x.name === name);
  if (!l) return name;
  const role = roleText(t, l.role);
  return l.name === l.role ? role : `${role}（${l.name}）`;
}

export function RoleTag({ role }: { role: LocationRole }) {
  const t = useT();
  return (
    <Tag color={roleColor[role]} style={{ marginInlineEnd: 0 }} data-testid="location-role">
      {roleText(t, role)}
    </Tag>
  );
}

const packageColor: Record<PackageStateName, string> = { preserved: 'green', pending: 'blue', degraded: 'red' };

/** 已保存 (green) / 待保存 / 降级 (red) */
export function PackageStateTag({ state }: { state: PackageStateName }) {
  const t = useT();
  const icon = state === 'preserved' ? <CheckCircleFilled /> : state === 'degraded' ? <ExclamationCircleFilled /> : <SyncOutlined />;
  return (
    <Tag color={packageColor[state]} icon={icon} data-testid="preservation-state" data-state={state}>
      {t(`preservation.state.${state}`)}
    </Tag>
  );
}

export function ReplicaStateTag({ state }: { state: ReplicaStateName }) {
  const t = useT();
  const ok = state === 'verified';
  return (
    <Tag color={ok ? 'green' : 'red'} icon={ok ? <CheckCircleFilled /> : <CloseCircleFilled />} data-testid="replica-state" data-state={state}>
      {t(`replica.state.${state}`)}
    </Tag>
  );
}

const findingColor: Record<FindingKind, string> = { missing: 'volcano', corrupted: 'red', unexpected: 'gold', invalid: 'magenta' };

/** 缺失 / 损坏 / 多余 / 无效 */
export function FindingKindTag({ kind }: { kind: FindingKind }) {
  const t = useT();
  return (
    <Tag color={findingColor[kind]} data-testid="finding-kind" data-kind={kind}>
      {t(`finding.kind.${kind}`)}
    </Tag>
  );
}

export function AuditStatusTag({ status }: { status: AuditStatus }) {
  const t = useT();
  const color = status === 'done' ? 'green' : status === 'running' ? 'processing' : 'orange';
  return (
    <Tag color={color} icon={status === 'running' ? <SyncOutlined spin /> : undefined} data-testid="audit-status" data-status={status}>
      {t(`audit.status.${status}`)}
    </Tag>
  );
}

export function auditModeText(t: Translate, mode: AuditMode): string {
  return t(`audit.mode.${mode}`);
}
