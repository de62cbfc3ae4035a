import { useEffect, useState } from 'react';

export type Navigate = (path: string) => void;

/** A tiny history-API router: the app has a handful of pages, no need for a routing library. */
export function useRoute(): [string, Navigate] {
  const [path, setPath] = useState(() => window.location.pathname + window.location.hash);
  useEffect(() => {
    const onPop = () => setPath(window.location.pathname + window.location.hash);
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);
  const navigate: Navigate = (to) => {
    window.history.pushState(null, '', to);
    setPath(to);
    window.scrollTo(0, 0);
  };
  return [path, navigate];
}

export type Route = { page: 'list' } | { page: 'notebook'; name: string } | { page: 'dashboard'; name: string } | { page: 'jobs' } | { page: 'taskmanagers' } | { page: 'job'; id: string } | { page: 'pipeline' } | { page: 'notFound' };

export function matchRoute(path: string): Route {
  const p = decodeURIComponent(path.split('#')[0]!.split('?')[0]!);
  if (p === '/' || p === '') return { page: 'list' };
  if (p.startsWith('/notebook/')) return { page: 'notebook', name: p.slice('/notebook/'.length) };
  if (p.startsWith('/dashboard/')) return { page: 'dashboard', name: p.slice('/dashboard/'.length) };
  if (p === '/jobs') return { page: 'jobs' };
  if (p === '/pipeline') return { page: 'pipeline' };
  if (p === '/taskmanagers') return { page: 'taskmanagers' };
  if (p.startsWith('/jobs/')) return { page: 'job', id: p.slice('/jobs/'.length) };
  return { page: 'notFound' };
}
