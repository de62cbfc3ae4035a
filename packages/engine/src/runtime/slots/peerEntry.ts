// Entry of a peer slot thread: loads this engine and runs the slot (see SlotPeer).
import * as engine from '../../index.js';
import { runSlotPeer } from './SlotPeer.js';

await runSlotPeer(engine as unknown as Record<string, unknown>);
