import { describe, expect, it } from 'vitest';
import { CHORD_MS, createKeymap, type KeyLike } from './keymap.js';

const key = (k: string, mods: Partial<KeyLike> = {}): KeyLike => ({ key: k, shiftKey: false, ctrlKey: false, metaKey: false, altKey: false, ...mods });

describe('command-mode keys', () => {
  it('maps JupyterLab keys to commands', () => {
    const km = createKeymap();
    const at = (k: KeyLike) => km.press(k, 0);
    expect(at(key('Enter'))).toBe('enterEdit');
    expect(at(key('Enter', { shiftKey: true }))).toBe('runAndAdvance');
    expect(at(key('Enter', { ctrlKey: true }))).toBe('run');
    expect(at(key('Enter', { metaKey: true }))).toBe('run');
    expect(at(key('Enter', { altKey: true }))).toBe('runAndInsert');
    expect(at(key('a'))).toBe('insertAbove');
    expect(at(key('b'))).toBe('insertBelow');
    expect(at(key('m'))).toBe('toMarkdown');
    expect(at(key('y'))).toBe('toCode');
    expect(at(key('ArrowUp'))).toBe('selectPrev');
    expect(at(key('k'))).toBe('selectPrev');
    expect(at(key('ArrowDown'))).toBe('selectNext');
    expect(at(key('j'))).toBe('selectNext');
    expect(at(key('z'))).toBe('undo');
    expect(at(key('z', { ctrlKey: true }))).toBe('undo');
    expect(at(key('Z', { shiftKey: true }))).toBe('redo');
    expect(at(key('z', { metaKey: true, shiftKey: true }))).toBe('redo');
    expect(at(key('y', { ctrlKey: true }))).toBe('redo');
    // Caps Lock gives upper-case letters without Shift.
    expect(at(key('B'))).toBe('insertBelow');
  });

  it("leaves the browser's shortcuts and other keys alone", () => {
    const km = createKeymap();
    for (const k of [key('a', { ctrlKey: true }), key('c', { metaKey: true }), key('b', { altKey: true }), key('A', { shiftKey: true }), key('x'), key('Tab'), key('Escape')]) {
      expect(km.press(k, 0)).toBeUndefined();
    }
  });

  it('deletes on D D within the chord time only, and another key breaks the chord', () => {
    const km = createKeymap();
    expect(km.press(key('d'), 0)).toBeUndefined();
    expect(km.press(key('d'), 500)).toBe('delete');
    // A third D starts a new chord.
    expect(km.press(key('d'), 600)).toBeUndefined();
    expect(km.press(key('d'), 600 + CHORD_MS + 1)).toBeUndefined();
    expect(km.press(key('d'), 600 + CHORD_MS + 2)).toBe('delete');
    km.press(key('d'), 10_000);
    km.press(key('j'), 10_100);
    expect(km.press(key('d'), 10_200)).toBeUndefined();
  });
});
