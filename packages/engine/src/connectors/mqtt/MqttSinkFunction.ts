import { connect, type MqttClient } from 'mqtt';
import type { z } from 'zod';
import type { SinkContext, SinkFunction } from '../SourceFunction.js';
import { clientOptions, describeError, isFatal, logger, MqttSinkConfig, parseRoleConfig, redactUrl, topicNameProblem } from './config.js';

/**
 * Publishes each record to an MQTT topic (fixed, or taken from a field of the record). Publishing is asynchronous:
 * a failed publish fails the job at the next record, checkpoint or flush (as Flink's async producers do), and
 * finish()/close() wait until every publish is acknowledged (QoS ≥ 1) or written (QoS 0).
 */
export class MqttSinkFunction implements SinkFunction<unknown> {
  private readonly c: z.output<typeof MqttSinkConfig>;
  private readonly where: string;
  private client: MqttClient | undefined;
  private log: (line: string) => void = () => {};
  private inFlight = 0;
  private failure: Error | undefined;
  private waiters: (() => void)[] = [];
  private closing: Promise<void> | undefined;

  constructor(config: MqttSinkConfig) {
    this.c = parseRoleConfig(MqttSinkConfig, config, 'mqtt sink');
    this.where = `mqtt sink ${redactUrl(this.c.url)}`;
  }

  open(ctx: SinkContext): void {
    this.failJob = (e) => ctx.failJob(e);
    const c = this.c;
    this.log = logger(ctx.services, this.where);
    // Publishes made before the connection is up are queued by the client (QoS 0 too: queueQoSZero).
    const client = connect(c.url, { ...clientOptions(c, 'sink'), clean: true, queueQoSZero: true });
    this.client = client;
    let reconnects = 0;
    let lastError: string | undefined;
    client.on('connect', () => {
      reconnects = 0;
      this.log('connected');
    });
    // Giving up ends the client too, so it stops retrying while the job waits for its next record to fail.
    const giveUp = (e: Error) => {
      this.fail(e);
      client.end(true);
    };
    client.on('error', (e) => {
      lastError = describeError(e);
      if (isFatal(e)) giveUp(new Error(`${this.where}: ${e.message}`));
    });
    client.on('offline', () => this.log(`disconnected${lastError ? ` (${lastError})` : ''}; publishes are queued until it reconnects`));
    client.on('reconnect', () => {
      reconnects++;
      if (c.maxReconnects >= 0 && reconnects > c.maxReconnects) giveUp(new Error(`${this.where}: ${lastError ?? 'connection lost'} (gave up after ${c.maxReconnects} reconnects)`));
      else if ((reconnects & (reconnects - 1)) === 0) this.log(`reconnect attempt ${reconnects}${lastError ? ` (last error: ${lastError})` : ''}`);
    });
  }

  invoke(value: unknown): void {
    if (this.failure) throw this.failure;
    const client = this.client;
    if (client === undefined) throw new Error(`${this.where}: invoke before open`);
    const topic = this.topicOf(value);
    const payload = this.serialize(this.c.payloadField !== undefined ? fieldOf(value, this.c.payloadField) : value);
    this.inFlight++;
    client.publish(topic, payload, { qos: this.c.qos, retain: this.c.retain }, (err) => {
      this.inFlight--;
      if (err) this.fail(new Error(`${this.where}: publish to "${topic}" failed: ${err.message}`));
      if (this.inFlight === 0) this.wake();
    });
  }

  private topicOf(value: unknown): string {
    const field = this.c.topicField;
    if (field === undefined) return this.c.topic!;
    const t = fieldOf(value, field);
    if (t === undefined || t === null || t === '') {
      if (this.c.topic !== undefined) return this.c.topic;
      throw new Error(`${this.where}: record has no "${field}" to publish to (and no fallback topic): ${preview(value)}`);
    }
    if (typeof t !== 'string') throw new Error(`${this.where}: "${field}" must be a string topic, got ${preview(t)}`);
    const problem = topicNameProblem(t);
    if (problem) throw new Error(`${this.where}: ${problem}`);
    return t;
  }

  private serialize(v: unknown): string | Buffer {
    switch (this.c.format) {
      case 'json':
        return this.serializeJson(v);
      case 'string':
        // Strings as they are (no JSON quotes); anything else as JSON so objects don't become "[object Object]".
        return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint' ? String(v) : this.serializeJson(v);
      case 'bytes':
        if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
        if (typeof v === 'string') return Buffer.from(v, 'utf8');
        throw new Error(`${this.where}: format "bytes" needs Uint8Array or string payloads, got ${preview(v)}`);
    }
  }

  private serializeJson(v: unknown): string {
    const text = JSON.stringify(v);
    if (text === undefined) throw new Error(`${this.where}: cannot serialize ${typeof v} as JSON`);
    return text;
  }

  private failJob: ((e: Error) => void) | undefined;

  /** A failed publish fails the job at once (even while no records arrive), and is rethrown at the next record or flush. */
  private fail(e: Error): void {
    const first = this.failure === undefined;
    this.failure ??= e;
    this.wake();
    if (first) this.failJob?.(e);
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** Resolves when nothing is in flight; rejects on a publish failure or after flushTimeoutMs. */
  private flush(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== check);
        reject(new Error(`${this.where}: ${this.inFlight} publishes not acknowledged after ${this.c.flushTimeoutMs} ms`));
      }, this.c.flushTimeoutMs);
      const check = () => {
        if (this.failure) {
          clearTimeout(timer);
          reject(this.failure);
        } else if (this.inFlight === 0) {
          clearTimeout(timer);
          resolve();
        } else this.waiters.push(check);
      };
      check();
    });
  }

  /** End of input: the job finishes only after the broker has every record. */
  finish(): Promise<void> {
    const p = this.flush();
    // The job awaits this on a normal end; if it fails first for another reason, nobody does.
    p.catch(() => {});
    return p;
  }

  /** Also runs on cancel, when the job awaits nothing: flushes what it can, logs (never throws), disconnects. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      const client = this.client;
      if (client === undefined) return;
      let flushed = true;
      try {
        await this.flush();
      } catch (e) {
        flushed = false;
        this.log((e as Error).message);
      }
      // A graceful end would wait for unacknowledged publishes forever; after a failed flush, drop them.
      await new Promise<void>((resolve) => client.end(!flushed, () => resolve()));
    })();
    return this.closing;
  }

  /** Publishes cannot be awaited here (snapshots are synchronous); a failed one declines the checkpoint. */
  snapshotState(): unknown {
    if (this.failure) throw this.failure;
    return undefined;
  }
}

function fieldOf(value: unknown, field: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[field] : undefined;
}

function preview(v: unknown): string {
  let s: string;
  try {
    s = typeof v === 'string' ? JSON.stringify(v) : (JSON.stringify(v) ?? String(v));
  } catch {
    s = String(v);
  }
  return s.length > 120 ? s.slice(0, 117) + '...' : s;
}
