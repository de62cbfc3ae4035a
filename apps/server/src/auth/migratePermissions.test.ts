import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe as suite, expect, it } from 'vitest';
import { can } from './identity.js';
import { PermissionStore } from './PermissionStore.js';

suite('permissions.json version 1 → 2', () => {
  it('turns what empty lists gave everyone into the public flag, keeps named roles, and drops writing for everyone', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'perm-v1-'));
    const v1 = {
      version: 1,
      notebooks: {
        // Every list empty: everyone could do everything. Now: anyone may read and run; only the token holder writes.
        open: { owners: [], writers: [], runners: [], readers: [] },
        // Readers empty: everyone could read.
        'team/report': { owners: ['alice'], writers: ['alice'], runners: ['bob'], readers: [] },
        closed: { owners: ['alice'], writers: ['alice'], runners: ['alice'], readers: ['alice', 'carol'] },
      },
    };
    writeFileSync(path.join(dir, 'permissions.json'), JSON.stringify(v1));
    const perms = new PermissionStore(dir);
    expect(perms.get('open')).toEqual({ owners: [], writers: [], runners: [], readers: [], public: 'run' });
    expect(perms.get('team/report')).toEqual({ owners: ['alice'], writers: ['alice'], runners: ['bob'], readers: [], public: 'read' });
    expect(perms.get('closed').public).toBe('none');

    const user = (name: string) => ({ role: 'user' as const, name });
    const actions = ['read', 'run', 'write', 'manage'] as const;
    expect(actions.filter((a) => can(user('mallory'), a, 'open', perms))).toEqual(['read', 'run']);
    expect(actions.filter((a) => can(user('mallory'), a, 'team/report', perms))).toEqual(['read']);
    expect(actions.filter((a) => can(user('bob'), a, 'team/report', perms))).toEqual(['read', 'run']);
    expect(actions.filter((a) => can(user('mallory'), a, 'closed', perms))).toEqual([]);
    expect(actions.filter((a) => can(user('carol'), a, 'closed', perms))).toEqual(['read']);

    // Written back as version 2 (the old file kept beside it), and read again as is.
    expect(JSON.parse(readFileSync(path.join(dir, 'permissions.json'), 'utf8')).version).toBe(2);
    expect(existsSync(path.join(dir, 'permissions.json.v1'))).toBe(true);
    expect(new PermissionStore(dir).get('team/report').public).toBe('read');
  });
});
