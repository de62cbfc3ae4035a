import { describe, expect, it } from 'vitest';
import { cellLabel } from '@flowbook/protocol';
import { jobDisplayName, titlesOf } from './jobName.js';

const nb = {
  title: 'Sales',
  cells: [
    { id: 'a', type: 'markdown', source: '# hi' },
    { id: 'b', type: 'code', source: '', title: 'By category' },
    { id: 'c', type: 'code', source: '' },
  ],
} as never;

describe('job names', () => {
  it('name a cell by its title, else by its place', () => {
    expect(cellLabel(nb, 'b')).toBe('By category');
    expect(cellLabel(nb, 'c')).toBe('cell 3');
    expect(cellLabel(nb, 'gone')).toBe('gone');
  });

  it('name a cell job by notebook and cell title unless the code named it', () => {
    const ref = { notebook: 'demo/sales', cellId: 'b' };
    expect(jobDisplayName({ ref, jobName: 'Flowbook job', titles: titlesOf(nb, 'b') })).toBe('Sales · By category');
    expect(jobDisplayName({ ref, jobName: 'Revenue per minute', titles: titlesOf(nb, 'b') })).toBe('Revenue per minute');
    expect(jobDisplayName({ ref, jobName: undefined, titles: undefined })).toBe('demo/sales · b');
    expect(jobDisplayName({ ref: undefined, jobName: 'pipeline', titles: undefined })).toBe('pipeline');
  });
});
