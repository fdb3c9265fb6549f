import { useEffect, useMemo, useState } from 'preact/hooks';
import { I18nContext, storeLang, storedLang, translator, useI18n, type Lang } from './i18n';
import { linkClick, usePath } from './router';
import { Layout } from './components/ui';
import { Login } from './pages/Login';
import { StaffLogin } from './pages/StaffLogin';
import { Home } from './pages/Home';

export function App() {
  const [lang, setLangState] = useState<Lang>(storedLang);
  const path = usePath();
  const i18n = useMemo(() => ({
    lang,
    t: translator(lang),
    setLang: (l: Lang) => {
      storeLang(l);
      setLangState(l);
    },
  }), [lang]);

  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);

  useEffect(() => {
    window.scrollTo(0, 0);
  }, [path]);

  const route = path.replace(/\/+$/, '') || '/';
  let page;
  if (route === '/') page = <Home />;
  else if (route === '/login') page = <Login />;
  else if (route === '/staff-login') page = <StaffLogin />;
  else page = <NotFound />;
  return <I18nContext.Provider value={i18n}>{page}</I18nContext.Provider>;
}

function NotFound() {
  const { t } = useI18n();
  return (
    <Layout>
      <section class="card narrow">
        <h1>{t('notFound')}</h1>
        <a href="/" onClick={linkClick}>{t('goHome')}</a>
      </section>
    </Layout>
  );
}
