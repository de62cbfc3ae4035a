// `npm run user -- add <name>` | `passwd <name>` | `remove <name>` | `list`: manage the local user store.
// The password comes from FLOWBOOK_PASSWORD or is read from standard input (never from the command line, where it
// would land in the shell history and in `ps`).
import { createInterface } from 'node:readline/promises';
import { loadConfig } from '../config.js';
import { UserStore } from '../auth/UserStore.js';

async function readPassword(): Promise<string> {
  if (process.env.FLOWBOOK_PASSWORD) return process.env.FLOWBOOK_PASSWORD;
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: false });
  process.stderr.write('Password: ');
  const line = await rl.question('');
  rl.close();
  return line.trim();
}

async function main(): Promise<number> {
  const [command, name] = process.argv.slice(2);
  const users = new UserStore(loadConfig().stateDir);
  switch (command) {
    case 'list':
      for (const n of users.names()) console.log(n);
      return 0;
    case 'add':
    case 'passwd': {
      if (!name) break;
      const password = await readPassword();
      if (command === 'add') users.add(name, password);
      else users.setPassword(name, password);
      console.log(command === 'add' ? `user "${name}" added` : `password of "${name}" changed`);
      return 0;
    }
    case 'remove':
      if (!name) break;
      if (!users.remove(name)) throw new Error(`no user "${name}"`);
      console.log(`user "${name}" removed`);
      return 0;
  }
  console.error('usage: npm run user -- add <name> | passwd <name> | remove <name> | list');
  return 2;
}

main().then(
  (code) => process.exit(code),
  (e: Error) => {
    console.error(`error: ${e.message}`);
    process.exit(1);
  },
);
