import { LoginOutlined, LogoutOutlined, UserOutlined } from '@ant-design/icons';
import { Button, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useAuth } from '../auth/useAuth.ts';
import { useT } from '../i18n/useT.ts';
import { navigate } from '../router/routes.ts';

const light = { color: 'rgba(255,255,255,0.88)' };

/** The header's right side: repository, user, role label and logout (or sign-in for a guest). */
export function UserBox() {
  const t = useT();
  const { user, logout } = useAuth();
  const [busy, setBusy] = useState(false);

  if (!user) {
    return (
      <Space size="middle" data-testid="user-box">
        <Typography.Text style={light} data-testid="user-name">
          <UserOutlined /> {t('header.guest')}
        </Typography.Text>
        <Tag color="default" data-testid="user-role">
          {t('role.public')}
        </Tag>
        <Button size="small" icon={<LoginOutlined />} onClick={() => navigate({ name: 'login' })} data-testid="login-button">
          {t('header.login')}
        </Button>
      </Space>
    );
  }

  const onLogout = () => {
    setBusy(true);
    logout()
      .catch(() => undefined)
      .finally(() => {
        setBusy(false);
        navigate({ name: 'login' });
      });
  };

  return (
    <Space size="middle" data-testid="user-box">
      <Typography.Text style={light} data-testid="user-repository">
        {user.repository.name}
      </Typography.Text>
      <Typography.Text style={light} data-testid="user-name">
        <UserOutlined /> {user.displayName}
      </Typography.Text>
      <Tag color="gold" data-testid="user-role">
        {t(`role.${user.role}`)}
      </Tag>
      <Button size="small" icon={<LogoutOutlined />} loading={busy} onClick={onLogout} data-testid="logout-button">
        {t('header.logout')}
      </Button>
    </Space>
  );
}
