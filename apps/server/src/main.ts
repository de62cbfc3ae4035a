import { loadConfig } from './config.js';
import { startServer } from './server.js';

const config = loadConfig();
const server = await startServer(config);
console.log(`Flowbook is running. Notebooks: ${config.notebooksDir}`);
console.log(`Open this URL in a browser (it contains your login token):`);
console.log(`    ${server.url}`);

// A crashing cell lives in its own worker; anything that still escapes is logged, not fatal.
process.on('uncaughtException', (e) => console.error('uncaught error:', e));
process.on('unhandledRejection', (e) => console.error('unhandled rejection:', e));
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    void server.close().finally(() => process.exit(0));
  });
}
