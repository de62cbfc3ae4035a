import { describe, expect, it } from 'vitest';
import { separateDisplayMath } from './separateDisplayMath.js';

describe('separateDisplayMath', () => {
  it('makes display math inside a paragraph a block of its own', () => {
    expect(separateDisplayMath('Solves:\n$$\na \\\\ b\n$$\nafter')).toBe('Solves:\n\n$$\na \\\\ b\n$$\n\nafter');
    expect(separateDisplayMath('text\n$$x^2$$\nmore')).toBe('text\n\n$$x^2$$\n\nmore');
  });

  it('leaves separated blocks, inline math and code fences as they are', () => {
    for (const s of ['a\n\n$$\nx\n$$\n\nb', 'inline $x$ and $$y$$ here', '```\ntext\n$$\nnot math\n$$\n```', '$$\nx\n$$']) expect(separateDisplayMath(s)).toBe(s);
  });
});
