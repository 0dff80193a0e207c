import { Alert } from 'antd';
import { ApiError } from '../api/client.ts';
import { useI18n } from '../i18n/useT.ts';

/** Shows an API error's message in the current language (or a generic one). */
export function ErrorAlert({ error, testId = 'error-alert' }: { error: unknown; testId?: string }) {
  const { t, pick } = useI18n();
  if (!error) return null;
  const description = error instanceof ApiError ? pick(error.localized) : t('error.generic');
  return <Alert type="error" showIcon title={t('error.title')} description={description} data-testid={testId} />;
}
