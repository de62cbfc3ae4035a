// @vitest-environment jsdom
import '../testing/jsdom.js';
import { cleanup, fireEvent, render } from '@testing-library/react';
import { useRef } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { useNotebookKeys, type NotebookKeyCommands } from './useNotebookKeys.js';

afterEach(cleanup);

function Page({ commands }: { commands: NotebookKeyCommands }) {
  const ref = useRef<HTMLDivElement>(null);
  useNotebookKeys(ref, commands);
  return (
    <>
      <div ref={ref}>
        <section data-testid="cell" tabIndex={-1}>
          <div className="monaco-editor">
            <div data-testid="monaco" tabIndex={-1} />
          </div>
          <input data-testid="input" />
          <button data-testid="button">run</button>
          <div className="pl-canvas">
            <div data-testid="canvas" tabIndex={-1} />
          </div>
        </section>
      </div>
      <input data-testid="elsewhere" />
    </>
  );
}

function setup() {
  const commands = { exec: vi.fn(), leaveEditor: vi.fn() };
  return { ...render(<Page commands={commands} />), commands };
}

describe('useNotebookKeys', () => {
  it('maps command-mode keys on a cell to commands, and prevents their default', () => {
    const { getByTestId, commands } = setup();
    const cell = getByTestId('cell');
    expect(fireEvent.keyDown(cell, { key: 'b' })).toBe(false);
    fireEvent.keyDown(cell, { key: 'Enter', shiftKey: true });
    fireEvent.keyDown(cell, { key: 'd' });
    fireEvent.keyDown(cell, { key: 'd' });
    expect(commands.exec.mock.calls).toEqual([['insertBelow'], ['runAndAdvance'], ['delete']]);
  });

  it('keys on the page background count; keys in inputs, on buttons, on the canvas or elsewhere do not', () => {
    const { getByTestId, commands } = setup();
    fireEvent.keyDown(document.body, { key: 'a' });
    expect(commands.exec).toHaveBeenCalledWith('insertAbove');
    commands.exec.mockClear();
    fireEvent.keyDown(getByTestId('input'), { key: 'a' });
    fireEvent.keyDown(getByTestId('button'), { key: 'Enter' });
    fireEvent.keyDown(getByTestId('canvas'), { key: 'z' });
    fireEvent.keyDown(getByTestId('elsewhere'), { key: 'b' });
    expect(commands.exec).not.toHaveBeenCalled();
  });

  it('in an editor only a plain Esc is ours: it leaves the editor', () => {
    const { getByTestId, commands } = setup();
    const monaco = getByTestId('monaco');
    fireEvent.keyDown(monaco, { key: 'b' });
    fireEvent.keyDown(monaco, { key: 'Escape', shiftKey: true });
    expect(commands.leaveEditor).not.toHaveBeenCalled();
    fireEvent.keyDown(monaco, { key: 'Escape' });
    expect(commands.leaveEditor).toHaveBeenCalledTimes(1);
    expect(commands.exec).not.toHaveBeenCalled();
  });

  it('calls the latest render commands and stops listening on unmount', () => {
    const { getByTestId, rerender, unmount, commands } = setup();
    const next = { exec: vi.fn(), leaveEditor: vi.fn() };
    rerender(<Page commands={next} />);
    fireEvent.keyDown(getByTestId('cell'), { key: 'j' });
    expect(commands.exec).not.toHaveBeenCalled();
    expect(next.exec).toHaveBeenCalledWith('selectNext');
    unmount();
    fireEvent.keyDown(document.body, { key: 'j' });
    expect(next.exec).toHaveBeenCalledTimes(1);
  });
});
