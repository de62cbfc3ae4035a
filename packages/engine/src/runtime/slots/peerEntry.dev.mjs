// Peer slot entry when the engine runs from its TypeScript sources (Vitest, tsx): loads peerEntry.ts through tsx.
import { register } from 'tsx/esm/api';

register();
await import('./peerEntry.ts');
