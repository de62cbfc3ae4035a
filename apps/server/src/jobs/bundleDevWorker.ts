import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleEntryFromSources } from '@flowbook/engine';

/**
 * When the server runs from its TypeScript sources (Vitest, dev), an entry of a thread or process it starts (worker.ts,
 * slotPeer.ts, taskmanager/taskManagerMain.ts) is bundled once with esbuild (see the engine's bundleEntryFromSources).
 */
export function bundleDevWorker(entry = 'worker.ts'): Promise<URL> {
  return bundleEntryFromSources(path.join(path.dirname(fileURLToPath(import.meta.url)), entry), path.basename(entry, '.ts'));
}
