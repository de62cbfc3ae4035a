// @vitest-environment jsdom
import '../testing/jsdom.js';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MarkdownCell } from './MarkdownCell.js';

afterEach(cleanup);

const props = (over: { source?: string; readOnly?: boolean; editing?: boolean } = {}) => ({
  id: 'm',
  source: '# Title\n\n<img src=x onerror="alert(1)">',
  readOnly: false,
  editing: false,
  onChange: vi.fn(),
  onEdit: vi.fn(),
  onDone: vi.fn(),
  ...over,
});

describe('a markdown cell', () => {
  it('renders sanitized markdown and edits on double-click', () => {
    const p = props();
    render(<MarkdownCell {...p} />);
    const cell = screen.getByTestId('markdown-m');
    expect(cell.querySelector('h1')!.textContent).toBe('Title');
    expect(cell.innerHTML).not.toContain('onerror');
    fireEvent.doubleClick(cell);
    expect(p.onEdit).toHaveBeenCalled();
  });

  it('ends editing with Esc (stay) or Shift+Enter (advance), and passes typing on', () => {
    const p = props({ editing: true });
    render(<MarkdownCell {...p} />);
    const editor = screen.getByTestId('markdown-editor-m');
    fireEvent.change(editor, { target: { value: 'new' } });
    expect(p.onChange).toHaveBeenCalledWith('new');
    fireEvent.keyDown(editor, { key: 'Escape' });
    fireEvent.keyDown(editor, { key: 'Enter', shiftKey: true });
    expect(p.onDone.mock.calls).toEqual([['stay'], ['advance']]);
  });

  it('cannot be edited by a reader', () => {
    const p = props({ readOnly: true, editing: true, source: '' });
    render(<MarkdownCell {...p} />);
    expect(screen.queryByTestId('markdown-editor-m')).toBeNull();
    fireEvent.doubleClick(screen.getByTestId('markdown-m'));
    expect(p.onEdit).not.toHaveBeenCalled();
    expect(screen.getByTestId('markdown-m').textContent).toBe('Empty markdown cell');
  });
  it('renders math with KaTeX, keeping \\\\ as a line break inside the formula, and sanitizes it', () => {
    render(<MarkdownCell {...props({ source: 'Inline $x^2$ and:\n$$\na \\\\ b\n$$\n\n<img src=x onerror="alert(1)">' })} />);
    const cell = screen.getByTestId('markdown-m');
    expect(cell.querySelectorAll('.katex').length).toBe(2);
    expect(cell.querySelector('.katex-display')).toBeTruthy();
    // The display formula keeps its two rows: markdown did not eat the backslashes.
    expect(cell.querySelector('.katex-display .mspace.newline')).toBeTruthy();
    expect(cell.innerHTML).not.toContain('onerror');
  });

  it('shows a raw cell as text, never as HTML', () => {
    render(<MarkdownCell {...props({ source: '<b>not html</b> $x$' })} format="raw" />);
    const cell = screen.getByTestId('markdown-m');
    expect(cell.tagName).toBe('PRE');
    expect(cell.textContent).toBe('<b>not html</b> $x$');
    expect(cell.querySelector('b')).toBeNull();
  });
});
