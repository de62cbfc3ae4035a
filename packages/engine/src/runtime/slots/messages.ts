import type { MessagePort } from 'node:worker_threads';
import type { TappedRecord } from '../DataTap.js';

/**
 * What slots of one job send each other. Data ports (one MessageChannel per pair of slots) carry channel messages;
 * the control port (worker ↔ slot 0) carries the rest.
 */

/** A message on one exchange channel (channel ids are numbered the same way in every slot). */
export type ChannelMessage =
  /** A batch of n records: values packed (p, see batchCodec) or, when they cannot be, structured-cloned (v). */
  | { k: 'b'; c: number; n: number; t: Float64Array; p?: Uint8Array; v?: unknown[] }
  | { k: 'w'; c: number; w: number }
  | { k: 'i'; c: number; i: boolean }
  | { k: 'e'; c: number }
  | { k: 'x'; c: number; id: number }
  /** Credit: the receiver took one batch off channel c. */
  | { k: 'c'; c: number };

/** The program every slot loads to build the same graph (Flink's user-code class loader). */
export interface SlotProgram {
  /** A notebook cell's TypeScript, run with runCellCode. */
  source?: string;
  /** A graph JSON (a pipeline file). */
  graph?: unknown;
  /** Set on globalThis before the program runs (cell params). */
  globals?: Record<string, unknown>;
  /** File name for stack traces of the source. */
  sourcefile?: string;
  /** Handed to the peer entry's `init` (SlotPeerOptions), for what the host sets up in every slot. */
  hostData?: unknown;
  /** The cell compiled by compileCell (slot 0 compiles `source` once when the host has not). */
  compiled?: string;
}

/** Raw counters of one local subtask, summed into the node's metrics by slot 0. */
export interface SubtaskMetrics {
  nodeId: string;
  subtask: number;
  recordsIn: number;
  recordsOut: number;
  late: number;
  dead: number;
  state: number;
  watermark: number;
  queuedBatches: number;
  creditWaitMs: number;
}

export type ToPeer =
  | { type: 'start' }
  | { type: 'cancel' }
  | { type: 'drain'; id: number }
  | { type: 'checkpoint'; id: number }
  | { type: 'complete'; id: number }
  /** Open (capacity > 0), resize or close (0) the data tap on a node's local subtasks. */
  | { type: 'tap'; nodeId: string; capacity: number };

export type FromPeer =
  | { type: 'ready' }
  | { type: 'failed'; message: string; stack?: string }
  | { type: 'finished'; metrics: SubtaskMetrics[] }
  /** The program and its job ended cleanly: the thread can take another job of the same program. */
  | { type: 'idle' }
  | { type: 'state'; id: number; operators: Record<string, unknown> }
  | { type: 'metrics'; metrics: SubtaskMetrics[] }
  | { type: 'service'; name: string; args: unknown[] }
  /** What the slot's open tap on a node saw since the last message. */
  | { type: 'tapped'; nodeId: string; records: TappedRecord[] };

/** What a peer worker gets when it is given a job (it is started before, from a pool of warm threads). */
export interface PeerData {
  flowbookSlot: true;
  slot: number;
  count: number;
  jobIndex: number;
  program: SlotProgram;
  /** Node ids and types, and edges, of slot 0's graph: the peer's must agree. */
  shape: string;
  /** Ports to every other slot, by slot index (undefined for its own). */
  ports: (MessagePort | undefined)[];
  restoreFrom?: unknown;
  /** Names of slot 0's host services a peer forwards to (live, log, collect...). */
  services: string[];
}
