import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe as suite, expect, it } from 'vitest';
import { can } from './identity.js';
import { PermissionStore } from './PermissionStore.js';

suite('can (Zeppelin roles)', () => {
  const perms = new PermissionStore(mkdtempSync(path.join(tmpdir(), 'perm-')));
  perms.set('nb', { owners: ['alice'], writers: ['wes'], runners: ['rita'], readers: ['rob'], public: 'none' });
  const user = (name: string) => ({ role: 'user' as const, name });
  const actions = ['read', 'run', 'write', 'manage'] as const;
  const allowedOn = (name: string, notebook: string) => actions.filter((a) => can(user(name), a, notebook, perms));
  const allowed = (name: string) => allowedOn(name, 'nb');

  it('gives each role its rights and those below it', () => {
    expect(allowed('alice')).toEqual(['read', 'run', 'write', 'manage']);
    expect(allowed('wes')).toEqual(['read', 'run', 'write']);
    expect(allowed('rita')).toEqual(['read', 'run']);
    expect(allowed('rob')).toEqual(['read']);
    expect(allowed('mallory')).toEqual([]);
  });

  it('treats an empty list as nobody but the owners, and a notebook without roles as the token holder\'s alone', () => {
    expect(actions.filter((a) => can(user('anyone'), a, 'other', perms))).toEqual([]);
    perms.set('mine', { owners: ['alice'], writers: [], runners: [], readers: [], public: 'none' });
    expect(allowedOn('alice', 'mine')).toEqual(['read', 'run', 'write', 'manage']);
    expect(allowedOn('bob', 'mine')).toEqual([]);
  });

  it('opens a notebook to every logged-in user only through its public flag, never for writing or managing', () => {
    perms.set('pub-read', { owners: ['alice'], writers: [], runners: [], readers: [], public: 'read' });
    perms.set('pub-run', { owners: ['alice'], writers: [], runners: [], readers: [], public: 'run' });
    expect(allowedOn('bob', 'pub-read')).toEqual(['read']);
    expect(allowedOn('bob', 'pub-run')).toEqual(['read', 'run']);
  });

  it('lets the token holder do anything and a share link only read its notebook', () => {
    expect(can({ role: 'owner' }, 'manage', 'nb', perms)).toBe(true);
    const share = { id: 'x', notebook: 'nb', view: 'notebook' as const, createdAt: 0 };
    expect(actions.filter((a) => can({ role: 'reader', share }, a, 'nb', perms))).toEqual(['read']);
    expect(can({ role: 'reader', share }, 'read', 'other', perms)).toBe(false);
  });
});
