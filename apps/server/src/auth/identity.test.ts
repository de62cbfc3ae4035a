import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe as suite, expect, it } from 'vitest';
import { can } from './identity.js';
import { PermissionStore } from './PermissionStore.js';

suite('can (Zeppelin roles)', () => {
  const perms = new PermissionStore(mkdtempSync(path.join(tmpdir(), 'perm-')));
  perms.set('nb', { owners: ['alice'], writers: ['wes'], runners: ['rita'], readers: ['rob'] });
  const user = (name: string) => ({ role: 'user' as const, name });
  const actions = ['read', 'run', 'write', 'manage'] as const;
  const allowed = (name: string) => actions.filter((a) => can(user(name), a, 'nb', perms));

  it('gives each role its rights and those below it', () => {
    expect(allowed('alice')).toEqual(['read', 'run', 'write', 'manage']);
    expect(allowed('wes')).toEqual(['read', 'run', 'write']);
    expect(allowed('rita')).toEqual(['read', 'run']);
    expect(allowed('rob')).toEqual(['read']);
    expect(allowed('mallory')).toEqual([]);
  });

  it('treats an empty list as everyone, and a notebook without permissions as open', () => {
    expect(actions.every((a) => can(user('anyone'), a, 'other', perms))).toBe(true);
    perms.set('public-read', { owners: ['alice'], writers: ['alice'], runners: ['alice'], readers: [] });
    expect(actions.filter((a) => can(user('bob'), a, 'public-read', perms))).toEqual(['read']);
  });

  it('lets the token holder do anything and a share link only read its notebook', () => {
    expect(can({ role: 'owner' }, 'manage', 'nb', perms)).toBe(true);
    const share = { id: 'x', notebook: 'nb', view: 'notebook' as const, createdAt: 0 };
    expect(actions.filter((a) => can({ role: 'reader', share }, a, 'nb', perms))).toEqual(['read']);
    expect(can({ role: 'reader', share }, 'read', 'other', perms)).toBe(false);
  });
});
