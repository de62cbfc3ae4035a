// @vitest-environment jsdom
import { cleanup, fireEvent, render } from '@testing-library/react';
import { useRef } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CanvasAction } from './shortcuts.js';
import { useCanvasKeys } from './useCanvasKeys.js';

afterEach(cleanup);

function Canvas(props: { readOnly?: boolean; fullScreen?: boolean; run(a: CanvasAction): void; exit(): void }) {
  const wrapper = useRef<HTMLDivElement>(null);
  const onKeyDown = useCanvasKeys({ wrapper, readOnly: props.readOnly ?? false, run: props.run, fullScreen: props.fullScreen ?? false, exitFullScreen: props.exit });
  return (
    <div ref={wrapper} tabIndex={-1} onKeyDown={onKeyDown} data-testid="canvas">
      <div data-testid="node" tabIndex={-1} />
      <input data-testid="field" />
    </div>
  );
}

function setup(props: { readOnly?: boolean; fullScreen?: boolean } = {}) {
  const run = vi.fn<(a: CanvasAction) => void>();
  const exit = vi.fn();
  const view = render(<Canvas {...props} run={run} exit={exit} />);
  return { ...view, run, exit };
}

describe('useCanvasKeys', () => {
  it('runs shortcuts typed on the canvas and keeps the keyboard on the canvas', () => {
    const { getByTestId, run } = setup();
    const node = getByTestId('node');
    node.focus();
    expect(fireEvent.keyDown(node, { key: 'Delete' })).toBe(false);
    fireEvent.keyDown(node, { key: 'c', ctrlKey: true });
    fireEvent.keyDown(node, { key: 'z', metaKey: true, shiftKey: true });
    expect(run.mock.calls).toEqual([['delete'], ['copy'], ['redo']]);
    expect(document.activeElement).toBe(getByTestId('canvas'));
  });

  it('leaves keys typed in a field to the field', () => {
    const { getByTestId, run } = setup();
    expect(fireEvent.keyDown(getByTestId('field'), { key: 'Backspace' })).toBe(true);
    expect(run).not.toHaveBeenCalled();
  });

  it('a read-only canvas copies and selects all, and changes nothing', () => {
    const { getByTestId, run } = setup({ readOnly: true });
    const node = getByTestId('node');
    for (const key of ['Delete', 'x', 'v', 'z']) fireEvent.keyDown(node, { key, ctrlKey: key !== 'Delete' });
    fireEvent.keyDown(node, { key: 'c', ctrlKey: true });
    fireEvent.keyDown(node, { key: 'a', ctrlKey: true });
    expect(run.mock.calls).toEqual([['copy'], ['selectAll']]);
  });

  it('Esc anywhere leaves full screen, unless the code view is open', () => {
    const { exit, rerender, run } = setup({ fullScreen: true });
    const backdrop = document.body.appendChild(Object.assign(document.createElement('div'), { className: 'pl-code-backdrop' }));
    fireEvent.keyDown(window, { key: 'Escape' });
    expect(exit).not.toHaveBeenCalled();
    backdrop.remove();
    fireEvent.keyDown(window, { key: 'Escape' });
    expect(exit).toHaveBeenCalledTimes(1);
    rerender(<Canvas fullScreen={false} run={run} exit={exit} />);
    fireEvent.keyDown(window, { key: 'Escape' });
    expect(exit).toHaveBeenCalledTimes(1);
  });
});
