import { Button, Result } from 'antd';
import { useT } from '../i18n/useT.ts';
import { navigate } from '../router/routes.ts';

export function NotFoundPage() {
  const t = useT();
  return (
    <Result
      status="404"
      title={t('notFound.title')}
      data-testid="not-found"
      extra={
        <Button type="primary" onClick={() => navigate({ name: 'browse' })}>
          {t('notFound.back')}
        </Button>
      }
    />
  );
}
