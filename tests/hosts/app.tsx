// The React 19 host as it runs in the browser (tests/e2e/react-host.test.mjs): two routes of a single-page app,
// the widget on one of them (report-page.tsx), the route changed with the History API as a router does.
import { useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';

import { ReportPage } from './report-page';

type Route = 'help' | 'report';

const routeOf = (path: string): Route => (path.endsWith('/report.html') ? 'report' : 'help');

function App({ api }: { api: string }) {
  const [route, setRoute] = useState<Route>(routeOf(location.pathname));
  useEffect(() => {
    const back = () => setRoute(routeOf(location.pathname));
    addEventListener('popstate', back);
    return () => removeEventListener('popstate', back);
  }, []);
  const go = (to: Route) => {
    history.pushState(null, '', to === 'report' ? '/spa/report.html' : '/spa/help.html');
    setRoute(to);
  };
  return (
    <main>
      <nav>
        <button type="button" onClick={() => go('help')}>Help</button>
        <button type="button" onClick={() => go('report')}>Report a problem</button>
      </nav>
      <ReportPage route={route} api={api} />
    </main>
  );
}

const root = document.getElementById('root');
// The desk's API folder, on its own origin: the host page names it.
if (root) createRoot(root).render(<App api={root.dataset.api ?? '/api/v1/'} />);
