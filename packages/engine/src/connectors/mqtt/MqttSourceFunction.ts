import { connect, type IClientSubscribeOptions, type IPublishPacket, type MqttClient } from 'mqtt';
import type { z } from 'zod';
import type { SourceContext, SourceFunction } from '../SourceFunction.js';
import { clientOptions, describeError, isFatal, logger, MqttSourceConfig, parseRoleConfig, redactUrl } from './config.js';

/** What the source emits per message (unless `payloadOnly`). */
export interface MqttMessage<P = unknown> {
  topic: string;
  /** Decoded per `format`: parsed JSON, a UTF-8 string, or a Uint8Array. */
  payload: P;
  qos: 0 | 1 | 2;
  /** True when the broker sent a retained message (on subscribe), not a live publish. */
  retain: boolean;
  /** Processing time when the message arrived (ms); also the record's timestamp. */
  receivedAt: number;
}

/**
 * Subscribes to MQTT topics and emits one record per message. MQTT cannot replay, so the read position is not
 * checkpointed: delivery is at-least-once with QoS ≥ 1 while connected, and with `clean: false` plus a fixed clientId
 * the broker also queues messages for the session while the job is down (see README.md).
 *
 * The PUBACK of a QoS 1 message is sent after its 'message' event returns, i.e. after the record went through the
 * (synchronous) operator chain; a failure in that chain fails the job before the ack is sent.
 */
export class MqttSourceFunction implements SourceFunction<unknown> {
  private running = true;
  private stop: (() => void) | undefined;
  private readonly c: z.output<typeof MqttSourceConfig>;

  constructor(config: MqttSourceConfig) {
    this.c = parseRoleConfig(MqttSourceConfig, config, 'mqtt source');
  }

  run(ctx: SourceContext<unknown>): Promise<void> {
    const c = this.c;
    const where = `mqtt source ${redactUrl(c.url)}`;
    const log = logger(ctx.services, where);
    return new Promise<void>((resolve, reject) => {
      if (!this.running || !ctx.isRunning()) return resolve();
      let settled = false;
      let reconnects = 0;
      let lastError: string | undefined;
      let firstConnect = true;

      const client: MqttClient = connect(c.url, {
        ...clientOptions(c, 'source'),
        clean: c.clean,
        // We subscribe ourselves on each connect that has no session (see 'connect'), so the client must not as well.
        resubscribe: false,
        // MQTT 5 ends a session at disconnect unless it has an expiry interval, which would make clean: false useless.
        ...(c.protocolVersion === 5 && !c.clean ? { properties: { sessionExpiryInterval: c.sessionExpirySeconds } } : {}),
        // A QoS ≥ 1 message arriving after cancel() is not acked, so the broker redelivers it to the next session.
        customHandleAcks: (_topic, _message, _packet, done) => done(this.running ? 0 : new Error('source cancelled')),
      });

      const finish = (error?: Error) => {
        if (settled) return;
        settled = true;
        this.running = false;
        // A failing job drops the connection at once; a cancelled one disconnects cleanly (the session stays if clean: false).
        client.end(error !== undefined, () => (error ? reject(error) : resolve()));
      };
      this.stop = () => finish();

      client.on('connect', (connack) => {
        reconnects = 0;
        lastError = undefined;
        log(`connected${connack.sessionPresent ? ' (persistent session resumed)' : ''}`);
        // A resumed session keeps its subscriptions; we still subscribe on the first connect so that edited topics apply.
        if (connack.sessionPresent && !firstConnect) return;
        firstConnect = false;
        const opts: IClientSubscribeOptions = { qos: c.qos, ...(c.protocolVersion === 5 ? { rh: 1 } : {}) };
        client.subscribe(Object.fromEntries(c.topics.map((t) => [t, opts])), (err, granted) => {
          if (settled) return;
          if (err) return finish(new Error(`${where}: subscribe failed: ${err.message}`));
          // A SUBACK code ≥ 0x80 is a refusal (MQTT 3.1.1: 0x80 failure; MQTT 5: reason codes).
          const refused = (granted ?? []).filter((g) => g.qos >= 128);
          if (refused.length > 0) return finish(new Error(`${where}: the broker refused the subscription to ${refused.map((g) => g.topic).join(', ')}`));
          log(`subscribed to ${(granted ?? []).map((g) => `${g.topic} (qos ${g.qos})`).join(', ')}`);
        });
      });

      client.on('message', (topic, payload, packet: IPublishPacket) => {
        if (!this.running) return;
        try {
          this.emit(ctx, topic, payload, packet);
        } catch (e) {
          // An operator downstream threw: fail the job (the message is not acked, see customHandleAcks).
          finish(e instanceof Error ? e : new Error(String(e)));
        }
      });

      client.on('error', (e) => {
        if (settled) return;
        lastError = describeError(e);
        if (isFatal(e)) return finish(new Error(`${where}: ${e.message}`));
      });

      client.on('offline', () => {
        if (!settled) log(`disconnected${lastError ? ` (${lastError})` : ''}; reconnecting every ${c.reconnectPeriodMs} ms`);
      });

      client.on('reconnect', () => {
        if (settled) return;
        reconnects++;
        if (c.maxReconnects >= 0 && reconnects > c.maxReconnects) {
          return finish(new Error(`${where}: ${lastError ?? 'connection lost'} (gave up after ${c.maxReconnects} reconnects)`));
        }
        // Attempts 1, 2, 4, 8, ...: a broker that stays down should not flood the cell output.
        if ((reconnects & (reconnects - 1)) === 0) log(`reconnect attempt ${reconnects}${lastError ? ` (last error: ${lastError})` : ''}`);
      });
    });
  }

  private emit(ctx: SourceContext<unknown>, topic: string, payload: Buffer, packet: IPublishPacket): void {
    const receivedAt = ctx.getCurrentProcessingTime();
    let value: unknown;
    if (this.c.format === 'bytes') {
      // A copy: the client's Buffer may be a view into a larger, reused one.
      value = new Uint8Array(payload);
    } else {
      const text = payload.toString('utf8');
      if (this.c.format === 'string') value = text;
      else {
        try {
          value = JSON.parse(text);
        } catch (e) {
          ctx.deadLetter(text, `invalid JSON: ${(e as Error).message}`, topic);
          return;
        }
      }
    }
    const record: unknown = this.c.payloadOnly ? value : ({ topic, payload: value, qos: packet.qos, retain: packet.retain, receivedAt } satisfies MqttMessage);
    ctx.collectWithTimestamp(record, receivedAt);
  }

  cancel(): void {
    this.running = false;
    this.stop?.();
  }
}
