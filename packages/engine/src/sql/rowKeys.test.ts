import { describe, expect, it } from 'vitest';
import { compileJs } from './compileExpr.js';
import { groupKeyJs, joinKeyJs } from './rowKeys.js';

const fn = (js: string) => compileJs(js, () => () => undefined);

describe('SQL row keys', () => {
  it('a tuple is the JSON of its values', () => {
    const k = fn(groupKeyJs(['r.a', 'r.b']));
    for (const r of [{ a: 1, b: 2 }, { a: -0, b: 1.5 }, { a: 1e21, b: -3 }, { a: 'x', b: 2 }, { a: null, b: 2 }, { a: '1', b: 2 }, { a: 'q"\\u', b: true }, { a: { x: [1] }, b: 'y' }, { b: 2 }]) {
      expect(k(r)).toBe(JSON.stringify([r.a, r.b]));
    }
    // a number and its text are different keys
    expect(k({ a: 1, b: 2 })).not.toBe(k({ a: '1', b: 2 }));
  });

  it('one value keys as itself (GROUP BY) or tagged (join); no string key equals another value\'s', () => {
    const g = fn(groupKeyJs(['r.a']));
    expect([g({ a: 7 }), g({ a: 'x' }), g({ a: null }), g({})]).toEqual([7, 'x', null, null]);
    expect(fn(groupKeyJs([]))({})).toBe('[]');
    const j = fn(joinKeyJs(['r.a']));
    expect([j({ a: 7 }), j({ a: '[null]' }), j({ a: null }), j({ a: true })]).toEqual([7, 's[null]', '[null]', '[true]']);
  });
});
