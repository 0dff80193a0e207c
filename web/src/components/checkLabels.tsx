import { CheckCircleFilled, ClockCircleOutlined, CloseCircleFilled, ExclamationCircleFilled, MinusCircleOutlined, SyncOutlined, UserOutlined } from '@ant-design/icons';
import { Tag } from 'antd';
import type { CheckAutomation, CheckClass, CheckOutcome, CheckRunState, CheckSeverity, CheckStage, CheckVerdict } from '../api/types.ts';
import type { Translate } from '../i18n/I18nProvider.tsx';
import { useT } from '../i18n/useT.ts';

export const CHECK_CLASSES: readonly CheckClass[] = ['authenticity', 'integrity', 'usability', 'security'];
export const CHECK_OUTCOMES: readonly CheckOutcome[] = ['pass', 'fail', 'warn', 'manual', 'not-run'];

export const outcomeColor: Record<CheckOutcome, string> = { pass: 'green', fail: 'red', warn: 'gold', manual: 'blue', 'not-run': 'default' };
const verdictColor: Record<CheckVerdict, string> = { passed: 'green', failed: 'red', incomplete: 'orange' };

export const stageText = (t: Translate, stage: CheckStage): string => t(`check.stage.${stage}`);
export const classText = (t: Translate, c: CheckClass): string => t(`check.class.${c}`);
export const automationText = (t: Translate, a: CheckAutomation): string => t(`check.automation.${a}`);
export const outcomeText = (t: Translate, o: CheckOutcome): string => t(`check.outcome.${o}`);

/** 通过 (green) / 不通过 (red) / 未完成 (orange) */
export function VerdictTag({ verdict, testId = 'check-verdict' }: { verdict: CheckVerdict; testId?: string }) {
  const t = useT();
  const icon = verdict === 'passed' ? <CheckCircleFilled /> : verdict === 'failed' ? <CloseCircleFilled /> : <ExclamationCircleFilled />;
  return (
    <Tag color={verdictColor[verdict]} icon={icon} data-testid={testId} data-verdict={verdict} style={{ marginInlineEnd: 0 }}>
      {t(`check.verdict.${verdict}`)}
    </Tag>
  );
}

/** 排队中 / 检测中 (spinning) / 已完成 / 检测出错 */
export function RunStateTag({ state, testId = 'check-state' }: { state: CheckRunState; testId?: string }) {
  const t = useT();
  const color = state === 'running' ? 'processing' : state === 'failed' ? 'error' : 'default';
  const icon = state === 'running' ? <SyncOutlined spin /> : state === 'queued' ? <ClockCircleOutlined /> : undefined;
  return (
    <Tag color={color} icon={icon} data-testid={testId} data-state={state} style={{ marginInlineEnd: 0 }}>
      {t(`check.state.${state}`)}
    </Tag>
  );
}

/** An item's or a finding's outcome: 通过 / 不通过 / 警告 / 待人工 / 未执行. */
export function OutcomeTag({ outcome, testId = 'check-outcome' }: { outcome: CheckOutcome; testId?: string }) {
  const t = useT();
  const icon =
    outcome === 'pass' ? <CheckCircleFilled /> : outcome === 'fail' ? <CloseCircleFilled /> : outcome === 'warn' ? <ExclamationCircleFilled /> : outcome === 'manual' ? <UserOutlined /> : <MinusCircleOutlined />;
  return (
    <Tag color={outcomeColor[outcome]} icon={icon} data-testid={testId} data-outcome={outcome}>
      {outcomeText(t, outcome)}
    </Tag>
  );
}

/** 阻断 (a failure fails the run) / 提示 */
export function SeverityTag({ severity }: { severity: CheckSeverity }) {
  const t = useT();
  return (
    <Tag color={severity === 'blocking' ? 'volcano' : 'default'} bordered={severity === 'blocking'} data-testid="check-severity" data-severity={severity}>
      {t(`check.severity.${severity}`)}
    </Tag>
  );
}
