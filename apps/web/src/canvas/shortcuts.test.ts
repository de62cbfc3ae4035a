// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { shortcutFor, type KeyInput } from './shortcuts.js';

const key = (k: string, mods: Partial<KeyInput> = {}): KeyInput => ({ key: k, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, target: document.body, ...mods });

describe('canvas shortcuts', () => {
  it('maps Delete, undo/redo, copy/cut/paste and select all, with Ctrl or Cmd', () => {
    expect(shortcutFor(key('Delete'))).toBe('delete');
    expect(shortcutFor(key('Backspace'))).toBe('delete');
    expect(shortcutFor(key('z', { ctrlKey: true }))).toBe('undo');
    expect(shortcutFor(key('Z', { ctrlKey: true, shiftKey: true }))).toBe('redo');
    expect(shortcutFor(key('y', { ctrlKey: true }))).toBe('redo');
    expect(shortcutFor(key('c', { metaKey: true }))).toBe('copy');
    expect(shortcutFor(key('x', { ctrlKey: true }))).toBe('cut');
    expect(shortcutFor(key('v', { ctrlKey: true }))).toBe('paste');
    expect(shortcutFor(key('a', { ctrlKey: true }))).toBe('selectAll');
    expect(shortcutFor(key('a'))).toBeUndefined();
    expect(shortcutFor(key('c', { ctrlKey: true, altKey: true }))).toBeUndefined();
  });

  it('leaves keys typed into fields and code editors alone', () => {
    const input = document.createElement('input');
    const monaco = document.createElement('div');
    monaco.className = 'monaco-editor';
    const inner = document.createElement('textarea');
    monaco.appendChild(inner);
    document.body.append(input, monaco);
    expect(shortcutFor(key('Backspace', { target: input }))).toBeUndefined();
    expect(shortcutFor(key('z', { ctrlKey: true, target: inner }))).toBeUndefined();
    const node = document.createElement('div');
    document.body.append(node);
    expect(shortcutFor(key('Delete', { target: node }))).toBe('delete');
  });
});
