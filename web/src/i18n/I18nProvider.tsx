import { createContext, useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { LocalizedMessage } from '../api/types.ts';
import { en } from './en.ts';
import { zhCN, type MessageKey, type Messages } from './zh-CN.ts';

export type Lang = 'zh-CN' | 'en';

const STORAGE_KEY = 'dangan.lang';
const dictionaries: Record<Lang, Messages> = { 'zh-CN': zhCN, en };

export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

export interface I18n {
  lang: Lang;
  setLang: (lang: Lang) => void;
  t: Translate;
  /** Picks the language's half of a `{ zh, en }` message from the API. */
  pick: (message: LocalizedMessage) => string;
}

export const I18nContext = createContext<I18n | null>(null);

function readStoredLang(): Lang {
  try {
    const stored = window.localStorage.getItem(STORAGE_KEY);
    return stored === 'en' ? 'en' : 'zh-CN';
  } catch {
    return 'zh-CN';
  }
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(readStoredLang);

  const setLang = useCallback((next: Lang) => {
    setLangState(next);
    try {
      window.localStorage.setItem(STORAGE_KEY, next);
    } catch {
      // storage unavailable (private mode): the choice lasts for this page only
    }
  }, []);

  const value = useMemo<I18n>(() => {
    const dict = dictionaries[lang];
    const t: Translate = (key, params) => {
      const text = dict[key];
      if (!params) return text;
      return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
        const v = params[name];
        return v === undefined ? whole : String(v);
      });
    };
    return { lang, setLang, t, pick: (m) => (lang === 'en' ? m.en : m.zh) };
  }, [lang, setLang]);

  useEffect(() => {
    document.documentElement.lang = lang;
    document.title = value.t('app.name');
  }, [lang, value]);

  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}
