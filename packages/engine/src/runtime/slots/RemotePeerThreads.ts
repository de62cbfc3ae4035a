import { MessageChannel, type MessagePort } from 'node:worker_threads';
import type { PeerLease, PeerRequest, PeerThreads, PoolEvent, PoolRequest } from './PeerThreadPool.js';

/**
 * Peer threads from a pool another thread owns (PeerThreadPool.serve over `port`): a host whose slot 0 runs each job in
 * a thread that ends with the job (a TaskManager's job thread) keeps the warm peers in its longer-lived thread. Each
 * lease gets its own MessageChannel, so the job's messages go straight between slot 0 and the peer.
 */
export class RemotePeerThreads implements PeerThreads {
  private nextId = 1;
  private readonly leases = new Map<number, { errors: ((e: Error) => void)[]; exits: ((code: number) => void)[] }>();

  constructor(private readonly port: MessagePort) {
    port.on('message', (m: PoolEvent) => {
      const lease = this.leases.get(m.id);
      if (lease === undefined) return;
      if (m.t === 'error') {
        const e = new Error(m.message);
        if (m.stack !== undefined) e.stack = m.stack;
        for (const l of lease.errors) l(e);
      } else {
        this.leases.delete(m.id);
        for (const l of lease.exits) l(m.code);
      }
    });
    // The job's own control ports keep this thread alive while peers run; an idle pool port must not.
    port.unref();
  }

  take(request: PeerRequest): PeerLease {
    const id = this.nextId++;
    const { port1, port2 } = new MessageChannel();
    const lease = { errors: [] as ((e: Error) => void)[], exits: [] as ((code: number) => void)[] };
    this.leases.set(id, lease);
    this.port.postMessage({ t: 'take', id, ...request, port: port2 } satisfies PoolRequest, [port2]);
    return {
      control: port1,
      onError: (l) => void lease.errors.push(l),
      onExit: (l) => void lease.exits.push(l),
      release: (reuse) => {
        if (!this.leases.delete(id)) return;
        port1.close();
        this.port.postMessage({ t: 'release', id, reuse } satisfies PoolRequest);
      },
    };
  }
}
