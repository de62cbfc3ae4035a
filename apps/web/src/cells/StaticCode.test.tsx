// @vitest-environment jsdom
import '../testing/jsdom.js';
import { act, cleanup, render } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';

// Monaco's colorizer: each line in a span, lines ended by <br/> (as monaco.editor.colorize does).
vi.mock('@monaco-editor/react', () => ({
  loader: {
    init: () => Promise.resolve({ editor: { colorize: (text: string) => Promise.resolve(text.split('\n').map((l) => `<span class="mtk1">${l}</span><br/>`).join('')) } }),
  },
}));
const { StaticCode } = await import('./StaticCode.js');

afterEach(cleanup);

const lines = (el: HTMLElement) => [...el.querySelectorAll('.code-static-line')].map((l) => l.textContent);

describe('a cell off screen: its code without an editor', () => {
  it('follows the shared text live, highlighted, one element per line', async () => {
    const doc = new Y.Doc();
    const text = doc.getText('source');
    text.insert(0, 'const a = 1;\n');
    const { container } = render(<StaticCode text={text} source="stale" language="typescript" />);
    await act(async () => {});
    expect(lines(container)).toEqual(['const a = 1;', '']);
    expect(container.querySelectorAll('.mtk1')).toHaveLength(2);
    // Someone else types: the view follows without the page re-rendering it.
    await act(async () => text.insert(13, 'const b = 2;'));
    expect(lines(container)).toEqual(['const a = 1;', 'const b = 2;']);
  });

  it('shows the notebook source until the shared text is there', async () => {
    const { container } = render(<StaticCode text={undefined} source={'x\ny'} language="typescript" />);
    await act(async () => {});
    expect(lines(container)).toEqual(['x', 'y']);
  });
});
