// @vitest-environment jsdom
import '../testing/jsdom.js';
import { act, cleanup, fireEvent, render } from '@testing-library/react';
import type * as Monaco from 'monaco-editor';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { useCellFocus, type CellFocus } from './useCellFocus.js';

afterEach(cleanup);
// jsdom lays nothing out: every cell is at the top, under the sticky bars, so selecting one scrolls it into view.
const scrollIntoView = vi.fn();
Element.prototype.scrollIntoView = scrollIntoView;

/** Two cells as the notebook renders them: a code cell with an "editor" input, and a markdown cell. */
function Page({ onFocus, canWrite = true }: { onFocus: (f: CellFocus) => void; canWrite?: boolean }) {
  const focus = useCellFocus({ isMarkdown: (id) => id === 'md', canWrite: () => canWrite });
  onFocus(focus);
  return (
    <div ref={focus.containerRef} data-testid="nb" data-mode={focus.mode} onFocus={focus.onFocus} onBlur={focus.onBlur}>
      {['code', 'md'].map((id) => (
        <section key={id} id={`cell-${id}`} data-cell-id={id} tabIndex={-1}>
          <div className="monaco-editor">
            <input data-testid={`editor-${id}`} />
          </div>
        </section>
      ))}
      <button data-testid="outside-cells">toolbar</button>
    </div>
  );
}

function setup(canWrite = true) {
  let focus!: CellFocus;
  const view = render(<Page canWrite={canWrite} onFocus={(f) => (focus = f)} />);
  return { view, get: () => focus };
}

describe('useCellFocus', () => {
  it('selecting with focus on the cell focuses it and stays in command mode', () => {
    const { view, get } = setup();
    act(() => get().select('code', 'cell'));
    expect(document.activeElement).toBe(document.getElementById('cell-code'));
    expect(scrollIntoView).toHaveBeenCalledWith({ block: 'nearest' });
    expect(get().selected).toBe('code');
    expect(get().selRef.current).toBe('code');
    expect(view.getByTestId('nb').dataset.mode).toBe('command');
  });

  it('focus in an editor selects its cell and is edit mode; leaving the notebook is command mode', () => {
    const { view, get } = setup();
    act(() => view.getByTestId('editor-md').focus());
    expect(get().selected).toBe('md');
    expect(get().mode).toBe('edit');
    act(() => view.getByTestId('editor-md').blur());
    expect(get().mode).toBe('command');
  });

  it('focus for an editor waits until the editor has mounted', () => {
    const { get } = setup();
    act(() => get().select('code', 'editor'));
    // No Monaco yet: focus is pending, the cell is selected.
    expect(get().selected).toBe('code');
    expect(document.activeElement).toBe(document.body);
    const editor = { focus: vi.fn() } as unknown as Monaco.editor.IStandaloneCodeEditor;
    act(() => get().onEditor('code', editor));
    expect(editor.focus).toHaveBeenCalledTimes(1);
    // Done: a later mount (re-render) does not take focus again.
    act(() => get().onEditor('code', editor));
    expect(editor.focus).toHaveBeenCalledTimes(1);
  });

  it('editing a markdown cell opens its textarea for writers and stays on the cell for readers', () => {
    const writer = setup(true);
    act(() => writer.get().select('md', 'editor'));
    expect(writer.get().editingMarkdown).toBe('md');
    cleanup();
    const reader = setup(false);
    act(() => reader.get().select('md', 'editor'));
    expect(reader.get().editingMarkdown).toBeUndefined();
    expect(document.activeElement).toBe(document.getElementById('cell-md'));
  });

  it('focus outside any cell changes neither selection nor mode', () => {
    const { view, get } = setup();
    act(() => get().select('code'));
    fireEvent.focus(view.getByTestId('outside-cells'));
    expect(get().selected).toBe('code');
    expect(get().mode).toBe('command');
  });
});
