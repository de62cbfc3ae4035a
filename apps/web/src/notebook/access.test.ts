import { describe, expect, it } from 'vitest';
import { accessOf } from './access.js';

const open = { owners: [], writers: [], runners: [], readers: [], public: 'run' as const };

describe('what the page lets a viewer do', () => {
  it('the token holder edits and runs; a share link only reads; unknown means nothing yet', () => {
    expect(accessOf({ role: 'owner' }, undefined)).toEqual({ write: true, run: true });
    expect(accessOf({ role: 'reader', notebook: 'n', view: 'notebook' }, open)).toEqual({ write: false, run: false });
    expect(accessOf(undefined, open)).toEqual({ write: false, run: false });
  });

  it("a user's rights follow the roles he is named in and the public flag; empty lists mean nobody", () => {
    const alice = { role: 'user' as const, name: 'alice' };
    expect(accessOf(alice, { owners: [], writers: [], runners: [], readers: [] })).toEqual({ write: false, run: false });
    expect(accessOf(alice, open)).toEqual({ write: false, run: true });
    expect(accessOf(alice, { ...open, public: 'read' })).toEqual({ write: false, run: false });
    expect(accessOf(alice, { owners: ['bob'], writers: ['bob'], runners: ['alice'], readers: ['alice'] })).toEqual({ write: false, run: true });
    expect(accessOf(alice, { owners: ['bob'], writers: ['bob'], runners: ['bob'], readers: ['alice'] })).toEqual({ write: false, run: false });
    expect(accessOf(alice, { owners: ['alice'], writers: ['bob'], runners: ['bob'], readers: ['bob'] })).toEqual({ write: true, run: true });
    // Permissions not loaded yet: nothing.
    expect(accessOf(alice, undefined)).toEqual({ write: false, run: false });
  });
});
