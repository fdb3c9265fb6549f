// Pages load on demand: each page is a chunk of its own (Vite splits at every dynamic
// import()), so a guest opening a venue's check-in link downloads the check-in page and what it
// uses, not the officials' or the scanner's code. A page's chunk is fetched once per visit and
// kept; the service worker keeps it for offline use like the rest of the app.
import type { ComponentType, FunctionComponent } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { useI18n } from './i18n';
import { Layout } from './components/ui';

/**
 * A component that renders the page `load` resolves to, with a short "loading" frame until its
 * chunk has arrived. When the chunk cannot be fetched (no network, or a newer deploy replaced
 * it) the frame offers to try again, which reloads the page.
 */
export function lazyPage<P extends object>(load: () => Promise<ComponentType<P>>): FunctionComponent<P> {
  let page: ComponentType<P> | undefined;
  let loading: Promise<boolean> | undefined;  // true once `page` is set, false on failure
  function start(): Promise<boolean> {
    loading ??= load().then(
      (p) => {
        page = p;
        return true;
      },
      () => {
        loading = undefined;  // a later visit to the route tries again
        return false;
      },
    );
    return loading;
  }
  return function LazyPage(props: P) {
    const [, setShown] = useState<ComponentType<P> | undefined>(page);
    const [failed, setFailed] = useState(false);
    // Asked for at the first render, not after the first paint: on a slow phone that is a
    // frame earlier on the network.
    const pending = page || failed ? undefined : start();
    useEffect(() => {
      let live = true;
      void pending?.then((ok) => {
        if (!live) return;
        if (ok) setShown(() => page);
        else setFailed(true);
      });
      return () => {
        live = false;
      };
    }, []);
    if (page) {
      const Page = page;
      return <Page {...props} />;
    }
    return <PageLoading failed={failed} />;
  };
}

function PageLoading({ failed }: { failed: boolean }) {
  const { t } = useI18n();
  return (
    <Layout>
      {failed ? (
        <section class="card narrow" role="alert">
          <p class="form-error">{t('err_network')}</p>
          <button type="button" class="btn-primary" onClick={() => location.reload()}>{t('retry')}</button>
        </section>
      ) : (
        <p class="muted" aria-busy="true">{t('loading')}</p>
      )}
    </Layout>
  );
}
