import { Segmented } from 'antd';
import type { Lang } from '../i18n/I18nProvider.tsx';
import { useI18n } from '../i18n/useT.ts';

/** 中文 / English — labels are written in their own language on purpose. */
export function LanguageSwitch() {
  const { lang, setLang, t } = useI18n();
  return (
    <Segmented<Lang>
      aria-label={t('lang.label')}
      data-testid="lang-switch"
      size="small"
      value={lang}
      onChange={setLang}
      options={[
        { value: 'zh-CN', label: <span data-testid="lang-zh">中文</span> },
        { value: 'en', label: <span data-testid="lang-en">English</span> },
      ]}
    />
  );
}
