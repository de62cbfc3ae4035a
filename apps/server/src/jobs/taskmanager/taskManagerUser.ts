import { execFileSync } from 'node:child_process';
import { chmodSync, lchownSync, lstatSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';

/** The OS user TaskManager processes run as (FLOWBOOK_TASKMANAGER_USER). */
export interface TaskManagerUser {
  uid: number;
  gid: number;
  /** As configured: a user name, or uid[:gid]. */
  spec: string;
  /** The TaskManagers' own folder, outside the server's: their HOME, and checkpoints by default. */
  stateDir: string;
}

/**
 * Resolves FLOWBOOK_TASKMANAGER_USER: `uid[:gid]` (the gid defaults to the uid), or a user name looked up with id(1),
 * so that NSS sources beyond /etc/passwd (LDAP, sssd) work as they do for the rest of the system.
 */
export function resolveTaskManagerUser(spec: string, stateDir: string): TaskManagerUser {
  const numeric = /^(\d+)(?::(\d+))?$/.exec(spec);
  if (numeric) return { uid: Number(numeric[1]), gid: Number(numeric[2] ?? numeric[1]), spec, stateDir };
  const id = (flag: string) => {
    try {
      return Number(execFileSync('id', [flag, '--', spec], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim());
    } catch {
      throw new Error(`FLOWBOOK_TASKMANAGER_USER: no such user "${spec}"`);
    }
  };
  return { uid: id('-u'), gid: id('-g'), spec, stateDir };
}

/**
 * Prepares the folders for TaskManagers that run as another user. The server's state folder (users, sessions, secrets,
 * running jobs) becomes 0700, so nothing in it can be reached, whatever the modes of the files; the TaskManagers get a
 * folder of their own outside it (0700, theirs: HOME and checkpoints), and a local checkpoint folder set elsewhere is
 * handed to them too. Only root may give files to another user: anything else is a configuration error.
 */
export function prepareTaskManagerState(stateDir: string, user: TaskManagerUser, checkpoints: string): void {
  if (process.getuid?.() !== 0) throw new Error('FLOWBOOK_TASKMANAGER_USER needs the server to run as root (it starts TaskManagers as that user)');
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  chmodSync(stateDir, 0o700);
  for (const dir of [user.stateDir, ...(isLocalPath(checkpoints) ? [checkpoints] : [])]) {
    if (isInside(dir, stateDir)) throw new Error(`FLOWBOOK_TASKMANAGER_USER: ${dir} is inside the server's state folder, which TaskManagers cannot enter`);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    // Checkpoints written before (by the server's user) must stay readable and writable for restores.
    chownTree(dir, user);
    chmodSync(dir, 0o700);
  }
}

const isInside = (p: string, dir: string) => {
  const rel = path.relative(dir, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
};

function chownTree(p: string, user: TaskManagerUser): void {
  // Not following links: a link in the folder must not hand its target to the TaskManager user.
  lchownSync(p, user.uid, user.gid);
  if (lstatSync(p).isDirectory()) for (const e of readdirSync(p)) chownTree(path.join(p, e), user);
}

const isLocalPath = (location: string) => !/^[a-z][a-z0-9+.-]*:\/\//i.test(location);

/**
 * The environment of a TaskManager process: the server's, without its own credentials (a cell can read
 * process.env; `${env:NAME}` placeholders still resolve for every other variable).
 */
export function taskManagerEnv(env: NodeJS.ProcessEnv, home: string | undefined): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(env)) if (!SERVER_CREDENTIALS.has(k)) out[k] = v;
  if (home !== undefined) out.HOME = home;
  return out;
}

const SERVER_CREDENTIALS = new Set(['FLOWBOOK_TOKEN', 'FLOWBOOK_METRICS_TOKEN']);
