import { JobsPage } from './jobs/JobsPage.js';
import { TaskManagersPage } from './taskmanagers/TaskManagersPage.js';
import { NotebookListPage } from './notebook/NotebookListPage.js';
import { matchRoute, useRoute } from './router.js';
import { useWhoami } from './api/useWhoami.js';
import { LoginPage } from './LoginPage.js';
import { ChartBench, DashboardPage, JobPage, NotebookPage, PipelinePage } from './lazyPages.js';
import { Suspense } from 'react';

/** The shell: a top bar and the page of the current route. */
export function App() {
  const [path, navigate] = useRoute();
  const route = matchRoute(path);
  const me = useWhoami();
  if (path.startsWith('/login')) return <LoginPage />;
  if (path.startsWith('/bench/charts'))
    return (
      <Suspense fallback={<div className="page">Loading…</div>}>
        <ChartBench />
      </Suspense>
    );
  // The token holder and logged-in users edit; their rights per notebook are checked by the server.
  const owner = me?.role === 'owner' || me?.role === 'user';
  // A dashboard is made for wall screens: no top bar.
  if (route.page === 'dashboard')
    return (
      <Suspense fallback={<div className="page">Loading…</div>}>
        <DashboardPage key={route.name} name={route.name} canEdit={owner} />
      </Suspense>
    );
  const link = (to: string, label: string) => (
    <a href={to} onClick={(e) => (e.preventDefault(), navigate(to))} className={path === to ? 'active' : undefined}>
      {label}
    </a>
  );
  return (
    <>
      <nav className="topbar">
        <span className="brand">Flowbook</span>
        {owner && link('/', 'Notebooks')}
        {owner && link('/jobs', 'Jobs')}
        {owner && link('/taskmanagers', 'TaskManagers')}
        {owner && link('/pipeline', 'Pipeline')}
        {me?.role === 'reader' && <span className="muted">read-only link</span>}
        {me?.role === 'user' && (
          <span className="topbar-user">
            {me.name}{' '}
            <a href="/login" onClick={(e) => (e.preventDefault(), void fetch('/api/logout', { method: 'POST' }).then(() => window.location.assign('/login')))}>
              log out
            </a>
          </span>
        )}
      </nav>
      <main>
        <Suspense fallback={<div className="page" data-testid="page-loading">Loading…</div>}>
        {route.page === 'list' && <NotebookListPage navigate={navigate} />}
        {route.page === 'notebook' && <NotebookPage key={route.name} name={route.name} />}
        {route.page === 'jobs' && <JobsPage navigate={navigate} />}
        {route.page === 'job' && <JobPage key={route.id} jobId={route.id} navigate={navigate} />}
        {route.page === 'taskmanagers' && <TaskManagersPage navigate={navigate} />}
        {route.page === 'pipeline' && <PipelinePage navigate={navigate} />}
        {route.page === 'notFound' && <div className="page">Page not found.</div>}
        </Suspense>
      </main>
    </>
  );
}
