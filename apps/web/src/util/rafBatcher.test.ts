import { describe, expect, it } from 'vitest';
import { createRafBatcher } from './rafBatcher.js';

describe('createRafBatcher', () => {
  it('delivers everything pushed before a frame in one flush', () => {
    const frames: (() => void)[] = [];
    const flushed: number[][] = [];
    const b = createRafBatcher<number>((items) => flushed.push(items), (cb) => frames.push(cb));
    b.push(1);
    b.push(2);
    b.push(3);
    expect(frames).toHaveLength(1);
    expect(flushed).toEqual([]);
    frames.shift()!();
    expect(flushed).toEqual([[1, 2, 3]]);
    b.push(4);
    expect(frames).toHaveLength(1);
    frames.shift()!();
    expect(flushed).toEqual([[1, 2, 3], [4]]);
  });
});
