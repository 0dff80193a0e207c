import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Flex, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { ApiError } from '../api/client.ts';
import { useAuth } from '../auth/useAuth.ts';
import { LanguageSwitch } from '../components/LanguageSwitch.tsx';
import { useI18n } from '../i18n/useT.ts';
import { href, navigate } from '../router/routes.ts';

interface LoginForm {
  username: string;
  password: string;
}

export function LoginPage() {
  const { t, pick } = useI18n();
  const { login } = useAuth();
  const [error, setError] = useState<ApiError | null>(null);
  const [failedUnknown, setFailedUnknown] = useState(false);
  const [busy, setBusy] = useState(false);

  const onFinish = (values: LoginForm) => {
    setBusy(true);
    setError(null);
    setFailedUnknown(false);
    login(values.username.trim(), values.password)
      .then(() => navigate({ name: 'browse' }))
      .catch((err: unknown) => {
        if (err instanceof ApiError) setError(err);
        else setFailedUnknown(true);
      })
      .finally(() => setBusy(false));
  };

  return (
    <Flex vertical align="center" justify="center" style={{ minHeight: '100vh', background: '#f0f2f5', padding: 16 }} data-testid="login-page">
      <Flex style={{ width: 400, maxWidth: '100%' }} justify="flex-end">
        <LanguageSwitch />
      </Flex>
      <Card style={{ width: 400, maxWidth: '100%', marginTop: 12 }}>
        <Flex vertical align="center" style={{ marginBottom: 24 }}>
          <img src="/favicon.svg" alt="" width={48} height={48} />
          <Typography.Title level={3} style={{ margin: '12px 0 4px', textAlign: 'center' }} data-testid="login-product-name">
            {t('app.name')}
          </Typography.Title>
          <Typography.Text type="secondary">{t('login.subtitle')}</Typography.Text>
        </Flex>
        {error || failedUnknown ? (
          <Alert
            type="error"
            showIcon
            style={{ marginBottom: 16 }}
            title={t('login.failed')}
            description={error ? pick(error.localized) : t('error.generic')}
            data-testid="login-error"
          />
        ) : null}
        <Form<LoginForm> layout="vertical" onFinish={onFinish} requiredMark={false} data-testid="login-form">
          <Form.Item name="username" label={t('login.username')} rules={[{ required: true, whitespace: true, message: t('login.usernameRequired') }]}>
            <Input prefix={<UserOutlined />} autoComplete="username" autoFocus data-testid="login-username" />
          </Form.Item>
          <Form.Item name="password" label={t('login.password')} rules={[{ required: true, message: t('login.passwordRequired') }]}>
            <Input.Password prefix={<LockOutlined />} autoComplete="current-password" data-testid="login-password" />
          </Form.Item>
          <Form.Item style={{ marginBottom: 12 }}>
            <Button type="primary" htmlType="submit" block loading={busy} data-testid="login-submit">
              {t('login.submit')}
            </Button>
          </Form.Item>
        </Form>
        <Flex justify="center">
          <a href={href({ name: 'browse' })} data-testid="guest-link">
            {t('login.guest')}
          </a>
        </Flex>
      </Card>
    </Flex>
  );
}
