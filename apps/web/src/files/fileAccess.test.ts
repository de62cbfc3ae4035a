import { describe, expect, it } from 'vitest';
import { fileAccessOf, NO_FILE_ACCESS } from './fileAccess.js';

const roles = (owners: string[], writers: string[], runners: string[], readers: string[], pub: 'none' | 'read' | 'run' = 'none') => ({ owners, writers, runners, readers, public: pub });

describe('fileAccessOf', () => {
  it('lets the token holder do everything', () => {
    expect(fileAccessOf({ role: 'owner' }, 'x', undefined)).toEqual({ read: true, run: true, write: true, manage: true, create: true });
  });

  it('lets a share link only read its own notebook', () => {
    const viewer = { role: 'reader', notebook: 'shared', view: 'notebook' } as const;
    expect(fileAccessOf(viewer, 'shared', undefined)).toEqual({ ...NO_FILE_ACCESS, read: true });
    expect(fileAccessOf(viewer, 'other', undefined)).toEqual(NO_FILE_ACCESS);
  });

  it("follows Zeppelin's nested roles for users, where an empty list means nobody but the owners", () => {
    const r = roles(['alice'], ['bob'], ['carol'], ['dave']);
    const as = (name: string) => fileAccessOf({ role: 'user', name }, 'nb', r);
    expect(as('alice')).toEqual({ read: true, run: true, write: true, manage: true, create: true });
    expect(as('bob')).toEqual({ read: true, run: true, write: true, manage: false, create: true });
    expect(as('carol')).toEqual({ read: true, run: true, write: false, manage: false, create: true });
    expect(as('dave')).toEqual({ read: true, run: false, write: false, manage: false, create: true });
    expect(as('eve')).toEqual({ read: false, run: false, write: false, manage: false, create: true });
    expect(fileAccessOf({ role: 'user', name: 'eve' }, 'nb', roles([], [], [], []))).toEqual({ ...NO_FILE_ACCESS, create: true });
  });

  it('gives every user what the public flag says, never writing or managing', () => {
    expect(fileAccessOf({ role: 'user', name: 'eve' }, 'nb', roles(['alice'], [], [], [], 'read'))).toEqual({ ...NO_FILE_ACCESS, read: true, create: true });
    expect(fileAccessOf({ role: 'user', name: 'eve' }, 'nb', roles(['alice'], [], [], [], 'run'))).toEqual({ ...NO_FILE_ACCESS, read: true, run: true, create: true });
  });

  it('grants nothing until the roles (or who this is) are known', () => {
    expect(fileAccessOf({ role: 'user', name: 'alice' }, 'nb', undefined)).toEqual(NO_FILE_ACCESS);
    expect(fileAccessOf(undefined, 'nb', undefined)).toEqual(NO_FILE_ACCESS);
  });
});
