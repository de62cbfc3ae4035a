import { lazy } from 'react';

// Pages with Monaco, the canvas or charts load on first visit: the first page (the notebook list, the jobs list) shows
// without parsing them (one 6 MB bundle before; sizes in README's architecture notes).
export const NotebookPage = lazy(async () => {
  await import('./monaco/ready.js');
  return { default: (await import('./notebook/NotebookPage.js')).NotebookPage };
});
export const PipelinePage = lazy(async () => {
  await import('./monaco/ready.js');
  return { default: (await import('./canvas/PipelinePage.js')).PipelinePage };
});
export const DashboardPage = lazy(async () => ({ default: (await import('./dashboard/DashboardPage.js')).DashboardPage }));
export const JobPage = lazy(async () => ({ default: (await import('./jobs/JobPage.js')).JobPage }));
export const ChartBench = lazy(async () => ({ default: (await import('./charts/ChartBench.js')).ChartBench }));
