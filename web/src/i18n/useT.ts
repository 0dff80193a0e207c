import { useContext } from 'react';
import { I18nContext, type I18n, type Translate } from './I18nProvider.tsx';

export function useI18n(): I18n {
  const ctx = useContext(I18nContext);
  if (!ctx) throw new Error('useI18n must be used inside <I18nProvider>');
  return ctx;
}

export function useT(): Translate {
  return useI18n().t;
}
