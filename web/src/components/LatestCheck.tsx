import { Button, Flex, Progress, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { api, ApiError } from '../api/client.ts';
import type { CheckRun, Submission } from '../api/types.ts';
import { useI18n } from '../i18n/useT.ts';
import { href, navigate } from '../router/routes.ts';
import { RunStateTag, VerdictTag } from './checkLabels.tsx';

const POLL_MS = 1500;
/** A submission without a run yet is asked again for this long (its GD check starts once it is unpacked). */
const WAIT_FOR_FIRST_RUN_MS = 5 * 60 * 1000;

/**
 * 四性检测 in a row of the submissions table: the latest run's verdict (or state and live progress),
 * linking to its report; 开始检测 for an archivist when there is none.
 */
export function LatestCheck({ submission, mayRun }: { submission: Submission; mayRun: boolean }) {
  const { t, pick } = useI18n();
  const [run, setRun] = useState<CheckRun | null | undefined>(undefined);
  const [starting, setStarting] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const age = Date.now() - new Date(submission.createdAt).getTime();
    const waitUntil = Date.now() + Math.max(0, WAIT_FOR_FIRST_RUN_MS - (Number.isNaN(age) ? 0 : age));
    const load = () => {
      api.submissionChecks(submission.id).then(
        (r) => {
          if (!live) return;
          const latest = r.items[0] ?? null;
          setRun(latest);
          const active = latest !== null && (latest.state === 'queued' || latest.state === 'running');
          const waiting = latest === null && submission.state !== 'rejected' && Date.now() < waitUntil;
          if (active || waiting) timer = setTimeout(load, POLL_MS);
        },
        (err: unknown) => {
          if (!live) return;
          setRun(null);
          setError(err instanceof ApiError ? pick(err.localized) : t('error.generic'));
        },
      );
    };
    load();
    return () => {
      live = false;
      if (timer) clearTimeout(timer);
    };
    // the language only changes the error's wording
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [submission.id, submission.state, submission.createdAt]);

  const start = async () => {
    setStarting(true);
    try {
      const { id } = await api.startSubmissionCheck(submission.id, 'GD');
      navigate({ name: 'check', id });
    } catch (err) {
      setError(err instanceof ApiError ? pick(err.localized) : t('error.generic'));
      setStarting(false);
    }
  };

  if (run === undefined) return <Typography.Text type="secondary">{t('common.loading')}</Typography.Text>;
  if (run === null) {
    return (
      <Flex vertical gap={2} data-testid="submission-check" data-state="none">
        <Flex gap="small" align="center">
          <Typography.Text type="secondary">{t('check.latest.none')}</Typography.Text>
          {mayRun ? (
            <Button size="small" type="link" style={{ padding: 0 }} loading={starting} onClick={() => void start()} data-testid="submission-check-start">
              {t('check.latest.start')}
            </Button>
          ) : null}
        </Flex>
        {error ? (
          <Typography.Text type="danger" style={{ fontSize: 12 }}>
            {error}
          </Typography.Text>
        ) : null}
      </Flex>
    );
  }
  const p = run.progress ?? {};
  const active = run.state === 'queued' || run.state === 'running';
  const percent = run.state === 'running' && (p.files ?? 0) > 0 ? Math.min(99, Math.floor(((p.done ?? 0) / (p.files ?? 1)) * 100)) : 0;
  return (
    <a href={href({ name: 'check', id: run.id })} data-testid="submission-check" data-run-id={run.id} data-state={run.state} data-verdict={run.verdict ?? ''} title={t('check.latest.open')}>
      <Flex vertical align="flex-start" gap={2} style={{ minWidth: 96 }}>
        {run.verdict ? <VerdictTag verdict={run.verdict} testId="submission-check-verdict" /> : <RunStateTag state={run.state} testId="submission-check-state" />}
        {active ? <Progress percent={percent} size="small" showInfo={false} status="active" data-testid="submission-check-progress" /> : null}
      </Flex>
    </a>
  );
}
