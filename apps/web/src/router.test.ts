import { describe, expect, it } from 'vitest';
import { matchRoute } from './router.js';

describe('matchRoute', () => {
  it('maps paths to pages', () => {
    expect(matchRoute('/')).toEqual({ page: 'list' });
    expect(matchRoute('/notebook/folder/my%20nb#cell-x')).toEqual({ page: 'notebook', name: 'folder/my nb' });
    expect(matchRoute('/dashboard/a/b')).toEqual({ page: 'dashboard', name: 'a/b' });
    expect(matchRoute('/jobs')).toEqual({ page: 'jobs' });
    expect(matchRoute('/jobs/abc')).toEqual({ page: 'job', id: 'abc' });
    expect(matchRoute('/nope')).toEqual({ page: 'notFound' });
  });
});
