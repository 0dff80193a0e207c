import { App as AntApp, ConfigProvider, Flex, Spin, type ThemeConfig } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import type { ReactNode } from 'react';
import { AuthProvider } from './auth/AuthProvider.tsx';
import { useAuth } from './auth/useAuth.ts';
import { I18nProvider } from './i18n/I18nProvider.tsx';
import { useI18n } from './i18n/useT.ts';
import { AppLayout } from './layout/AppLayout.tsx';
import { CheckPage } from './pages/CheckPage.tsx';
import { LoginPage } from './pages/LoginPage.tsx';
import { NotFoundPage } from './pages/NotFoundPage.tsx';
import { ProjectPage } from './pages/ProjectPage.tsx';
import { RepositoriesPage } from './pages/RepositoriesPage.tsx';
import { RepositoryPage } from './pages/RepositoryPage.tsx';
import { StoragePage } from './pages/StoragePage.tsx';
import { SubmissionsPage } from './pages/SubmissionsPage.tsx';
import { UnitProjectPage } from './pages/UnitProjectPage.tsx';
import { VolumePage } from './pages/VolumePage.tsx';
import { Redirect } from './router/Redirect.tsx';
import { useRoute } from './router/useRoute.ts';

const theme: ThemeConfig = {
  token: { colorPrimary: '#1d4e89', borderRadius: 4 },
  components: { Menu: { itemSelectedBg: '#e6eef8', itemSelectedColor: '#1d4e89' } },
};

function LocalizedAntd({ children }: { children: ReactNode }) {
  const { lang } = useI18n();
  return (
    <ConfigProvider locale={lang === 'en' ? enUS : zhCN} theme={theme}>
      <AntApp>{children}</AntApp>
    </ConfigProvider>
  );
}

function Routes() {
  const { ready, user } = useAuth();
  const route = useRoute();

  if (!ready) {
    return (
      <Flex align="center" justify="center" style={{ minHeight: '100vh' }}>
        <Spin size="large" />
      </Flex>
    );
  }

  switch (route.name) {
    case 'root':
      return <Redirect to={user ? { name: 'browse' } : { name: 'login' }} />;
    case 'login':
      return user ? <Redirect to={{ name: 'browse' }} /> : <LoginPage />;
    case 'browse':
      return <AppLayout><RepositoriesPage /></AppLayout>;
    case 'storage':
      return <AppLayout><StoragePage /></AppLayout>;
    case 'submissions':
      return <AppLayout><SubmissionsPage projectId={route.projectId ?? null} /></AppLayout>;
    case 'repository':
      return <AppLayout><RepositoryPage key={route.id} id={route.id} /></AppLayout>;
    case 'project':
      return <AppLayout><ProjectPage key={route.id} id={route.id} /></AppLayout>;
    case 'unitProject':
      return <AppLayout><UnitProjectPage key={route.id} id={route.id} /></AppLayout>;
    case 'volume':
      return <AppLayout><VolumePage key={route.id} id={route.id} /></AppLayout>;
    case 'check':
      return <AppLayout><CheckPage key={route.id} id={route.id} /></AppLayout>;
    case 'notFound':
      return <AppLayout><NotFoundPage /></AppLayout>;
  }
}

export function App() {
  return (
    <I18nProvider>
      <LocalizedAntd>
        <AuthProvider>
          <Routes />
        </AuthProvider>
      </LocalizedAntd>
    </I18nProvider>
  );
}
