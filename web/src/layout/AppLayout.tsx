import { Layout, Space, Typography } from 'antd';
import type { ReactNode } from 'react';
import { LanguageSwitch } from '../components/LanguageSwitch.tsx';
import { useT } from '../i18n/useT.ts';
import { href } from '../router/routes.ts';
import { SideMenu } from './SideMenu.tsx';
import { UserBox } from './UserBox.tsx';

const { Header, Sider, Content } = Layout;

export function AppLayout({ children }: { children: ReactNode }) {
  const t = useT();
  return (
    <Layout style={{ minHeight: '100vh' }} data-testid="app-layout">
      <Header style={{ display: 'flex', alignItems: 'center', justifyContent: 'space-between', gap: 16, paddingInline: 24 }}>
        <a href={href({ name: 'browse' })} style={{ display: 'flex', alignItems: 'center', gap: 10 }}>
          <img src="/favicon.svg" alt="" width={28} height={28} />
          <Typography.Title level={4} style={{ color: '#fff', margin: 0, whiteSpace: 'nowrap' }} data-testid="product-name">
            {t('app.name')}
          </Typography.Title>
        </a>
        <Space size="large">
          <UserBox />
          <LanguageSwitch />
        </Space>
      </Header>
      <Layout>
        <Sider width={248} theme="light" breakpoint="lg" collapsedWidth={0}>
          <SideMenu />
        </Sider>
        <Content style={{ padding: 24 }} data-testid="page-content">
          {children}
        </Content>
      </Layout>
    </Layout>
  );
}
