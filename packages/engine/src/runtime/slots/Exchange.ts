import type { MessagePort } from 'node:worker_threads';
import { decodeBatch } from './batchCodec.js';
import type { ChannelMessage } from './messages.js';
import { RemoteChannelOutput } from './RemoteChannelOutput.js';

/** What a slot does with the messages of one inbound channel (the Job binds it to a subtask's input channel). */
export interface InboundChannel {
  /** Returns false when the channel is blocked (barrier alignment): the message was queued, its credit is kept. */
  deliver(m: ChannelMessage, grant: () => void): void;
}

/**
 * The network stack of one slot (Flink's NetworkEnvironment): the ports to the other slots of the job, the remote
 * outputs of this slot's subtasks and the inbound channels of its subtasks. Partial batches are flushed at the end of
 * the event-loop turn that filled them, so a quiet stream still moves at once.
 */
export class Exchange {
  private readonly inbound = new Map<number, InboundChannel>();
  private readonly outbound = new Map<number, RemoteChannelOutput>();
  private readonly dirty: RemoteChannelOutput[] = [];
  private flushScheduled = false;
  private waiters: (() => void)[] = [];
  private started = false;

  constructor(
    readonly slot: number,
    private readonly ports: readonly (MessagePort | undefined)[],
    private readonly fail: (e: unknown) => void,
  ) {}

  output(channelId: number, targetSlot: number): RemoteChannelOutput {
    const port = this.ports[targetSlot];
    if (port === undefined) throw new Error(`no port from slot ${this.slot} to slot ${targetSlot}`);
    const out = new RemoteChannelOutput(
      channelId,
      port,
      (o) => this.markDirty(o),
      () => this.wakeWriters(),
    );
    this.outbound.set(channelId, out);
    return out;
  }

  input(channelId: number, channel: InboundChannel): void {
    this.inbound.set(channelId, channel);
  }

  /** Starts listening on the ports (after the slot's operators are open). */
  start(): void {
    if (this.started) return;
    this.started = true;
    for (const port of this.ports) {
      if (port === undefined) continue;
      const grant = (c: number) => () => port.postMessage({ k: 'c', c } satisfies ChannelMessage);
      port.on('message', (m: ChannelMessage) => {
        try {
          if (m.k === 'c') return this.outbound.get(m.c)!.grant();
          const channel = this.inbound.get(m.c);
          if (channel === undefined) throw new Error(`slot ${this.slot} got a message for unknown channel ${m.c}`);
          if (m.k === 'b' && m.v === undefined) m.v = decodeBatch(m.p!);
          channel.deliver(m, grant(m.c));
        } catch (e) {
          this.fail(e);
        }
      });
    }
  }

  private markDirty(o: RemoteChannelOutput): void {
    this.dirty.push(o);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => this.flush());
  }

  /** Posts every partial batch. */
  flush(): void {
    this.flushScheduled = false;
    const d = this.dirty;
    for (let i = 0; i < d.length; i++) d[i]!.flush();
    d.length = 0;
  }

  /** Resolves when no channel of this slot has batches waiting for credit (sources await it: backpressure). */
  writable(): Promise<void> | undefined {
    this.flush();
    for (const o of this.outbound.values()) if (o.backpressured) return new Promise((resolve) => this.waiters.push(resolve));
    return undefined;
  }

  /** Resolves when everything this slot's subtasks emitted has been posted (a slot whose subtasks ended waits for it). */
  drained(): Promise<void> {
    this.flush();
    return new Promise((resolve) => {
      const check = () => {
        for (const o of this.outbound.values()) if (o.pending) return this.drainWaiters.push(check);
        resolve();
      };
      check();
    });
  }
  private drainWaiters: (() => void)[] = [];

  private wakeWriters(): void {
    if (this.drainWaiters.length > 0) {
      const d = this.drainWaiters;
      this.drainWaiters = [];
      for (const check of d) check();
    }
    if (this.waiters.length === 0) return;
    for (const o of this.outbound.values()) if (o.backpressured) return;
    const w = this.waiters;
    this.waiters = [];
    for (const resolve of w) resolve();
  }

  /** Outbound channels (for metrics). */
  outputs(): Iterable<RemoteChannelOutput> {
    return this.outbound.values();
  }

  /** Releases waiting sources and closes the ports. */
  close(): void {
    const w = [...this.waiters, ...this.drainWaiters];
    this.waiters = [];
    this.drainWaiters = [];
    for (const resolve of w) resolve();
    for (const port of this.ports) port?.close();
  }
}
