import { describe, expect, it } from 'vitest';
import { OutputTag, StreamExecutionEnvironment, TumblingEventTimeWindows, WatermarkStrategy, type JobSnapshot } from '../../../index.js';
import { parseConnectorConfig, registerConnector } from '../../registry.js';
import { IotSensorGenerator, type IotGeneratorOptions, type IotGeneratorSnapshot, type IotReading } from './IotSensorGenerator.js';
import { iotSensorsConnector, IotSensors, type IotSensorsConfig } from './iotSensors.js';

// Until connectors/index.ts registers it, the tests do.
registerConnector(iotSensorsConnector);

/** Replays readings through a per-record bounded-out-of-orderness watermark (newest − bound − 1, as Flink's). */
function classify(readings: IotReading[], bound: number) {
  let max = -Infinity;
  const kinds = readings.map((r) => {
    const wm = max - bound - 1;
    const kind = r.timestamp <= wm ? 'late' : r.timestamp < max ? 'outOfOrder' : 'inOrder';
    max = Math.max(max, r.timestamp);
    return { kind, behindMax: max - r.timestamp, wm };
  });
  return kinds;
}

describe('IotSensorGenerator', () => {
  it('is deterministic for a seed and reports round robin at the configured event-time rate', () => {
    const opts: IotGeneratorOptions = { seed: 7, sensors: 5, sites: 2, eventsPerSecond: 20 };
    const a = new IotSensorGenerator(opts).take(2000);
    expect(new IotSensorGenerator(opts).take(2000)).toEqual(a);
    expect(new IotSensorGenerator({ ...opts, seed: 8 }).take(2000)).not.toEqual(a);
    expect(a.slice(0, 6).map((r) => [r.sensorId, r.site])).toEqual([
      ['sensor-001', 'berlin'],
      ['sensor-002', 'lisbon'],
      ['sensor-003', 'berlin'],
      ['sensor-004', 'lisbon'],
      ['sensor-005', 'berlin'],
      ['sensor-001', 'berlin'],
    ]);
    // No disorder configured: every reading is on its nominal 50 ms grid.
    expect(a.map((r) => r.timestamp)).toEqual(a.map((_, n) => 1_700_000_000_000 + n * 50));
    for (const r of a) {
      expect(typeof r.temperature).toBe('number');
      expect(r.humidity).toBeGreaterThanOrEqual(0);
      expect(r.humidity).toBeLessThanOrEqual(100);
    }
  });

  it('moves each sensor smoothly (random walk) around a daily cycle, warmest in the afternoon', () => {
    // 4 sensors, one reading per sensor per minute, over two days.
    const readings = new IotSensorGenerator({ seed: 3, sensors: 4, eventsPerSecond: 4 / 60, startTime: Date.UTC(2024, 5, 1) }).take(4 * 60 * 48);
    const bySensor = new Map<string, IotReading[]>();
    for (const r of readings) bySensor.set(r.sensorId, [...(bySensor.get(r.sensorId) ?? []), r]);
    const hour = (r: IotReading) => new Date(r.timestamp).getUTCHours();
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    for (const [, rs] of bySensor) {
      const temps = rs.map((r) => r.temperature as number);
      const maxStep = Math.max(...temps.slice(1).map((t, i) => Math.abs(t - temps[i]!)));
      expect(maxStep).toBeLessThan(1);
      const afternoon = mean(rs.filter((r) => hour(r) >= 14 && hour(r) < 16).map((r) => r.temperature as number));
      const night = mean(rs.filter((r) => hour(r) >= 2 && hour(r) < 4).map((r) => r.temperature as number));
      expect(afternoon - night).toBeGreaterThan(3);
      const humidAfternoon = mean(rs.filter((r) => hour(r) >= 14 && hour(r) < 16).map((r) => r.humidity));
      const humidNight = mean(rs.filter((r) => hour(r) >= 2 && hour(r) < 4).map((r) => r.humidity));
      expect(humidNight).toBeGreaterThan(humidAfternoon);
    }
    // Sensors differ from one another (own base temperature and amplitude).
    const firstTemps = readings.slice(0, 4).map((r) => r.temperature);
    expect(new Set(firstTemps).size).toBe(4);
  });

  it('produces out-of-order, late and malformed readings in the configured shares, within their bounds', () => {
    const bound = 2000;
    const maxLatenessMs = 30_000;
    const readings = new IotSensorGenerator({ seed: 11, sensors: 8, eventsPerSecond: 100, outOfOrderFraction: 0.2, maxOutOfOrdernessMs: bound, lateFraction: 0.05, maxLatenessMs, malformedFraction: 0.02 }).take(20_000);
    const kinds = classify(readings, bound);
    const share = (k: string) => kinds.filter((x) => x.kind === k).length / readings.length;
    expect(share('late')).toBeCloseTo(0.05, 2);
    expect(Math.abs(share('outOfOrder') - 0.2)).toBeLessThan(0.01);
    for (const k of kinds) {
      if (k.kind === 'outOfOrder') expect(k.behindMax).toBeLessThanOrEqual(bound);
      if (k.kind === 'late') expect(k.behindMax).toBeLessThanOrEqual(bound + maxLatenessMs);
    }
    const malformed = readings.filter((r) => typeof r.temperature !== 'number');
    expect(malformed.length / readings.length).toBeCloseTo(0.02, 2);
    expect(malformed.some((r) => r.temperature === null)).toBe(true);
    expect(malformed.some((r) => typeof r.temperature === 'string' && r.temperature.startsWith('ERR:'))).toBe(true);

    // Without disorder configured, a bounded watermark sees nothing out of order.
    const clean = classify(new IotSensorGenerator({ seed: 11, sensors: 8, eventsPerSecond: 100 }).take(5000), bound);
    expect(clean.every((k) => k.kind === 'inOrder')).toBe(true);
  });

  it('continues identically after restoring a (JSON) snapshot', () => {
    const opts: IotGeneratorOptions = { seed: 5, sensors: 6, outOfOrderFraction: 0.3, lateFraction: 0.1, malformedFraction: 0.05 };
    const g = new IotSensorGenerator(opts);
    g.take(777);
    const snap = JSON.parse(JSON.stringify(g.snapshot())) as IotGeneratorSnapshot;
    const expected = g.take(1000);
    const restored = new IotSensorGenerator(opts);
    restored.restore(snap);
    expect(restored.position).toBe(777);
    expect(restored.take(1000)).toEqual(expected);
    expect(() => new IotSensorGenerator({ ...opts, sensors: 7 }).restore(snap)).toThrow('the checkpoint has 6 sensors but the config has 7');
  });
});

describe('iot-sensors source', () => {
  it('validates its config', () => {
    expect(() => parseConnectorConfig('iot-sensors', { outOfOrderFraction: 0.7, lateFraction: 0.5 }, 'node "s"')).toThrow('lateFraction: outOfOrderFraction + lateFraction must be <= 1');
    expect(() => parseConnectorConfig('iot-sensors', { outOfOrderFraction: 0.1, maxOutOfOrdernessMs: 0 }, 'node "s"')).toThrow('maxOutOfOrdernessMs');
    expect(parseConnectorConfig('iot-sensors', {}, 'node "s"').config).toMatchObject({ sensors: 10, eventsPerSecond: 10, seed: 42 });
    expect(iotSensorsConnector.bounded!({ count: 5 })).toBe(true);
    expect(iotSensorsConnector.bounded!({})).toBe(false);
  });

  it('emits the generator readings with their timestamps, in a job', async () => {
    const config: IotSensorsConfig = { seed: 9, sensors: 3, count: 500, ratePerSecond: 0, outOfOrderFraction: 0.1, lateFraction: 0.02 };
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    const got = await env
      .fromSource<IotReading>(new IotSensors(config), WatermarkStrategy.noWatermarks(), 'sensors')
      .process<{ r: IotReading; ts: number | undefined }>({ processElement: (r, ctx, out) => out.collect({ r, ts: ctx.timestamp() }) })
      .executeAndCollect();
    const expected = new IotSensorGenerator({ seed: 9, sensors: 3, outOfOrderFraction: 0.1, lateFraction: 0.02 }).take(500);
    expect(got.map((g) => g.r)).toEqual(expected);
    expect(got.every((g) => g.ts === g.r.timestamp)).toBe(true);
  });

  it('throttles to ratePerSecond of wall-clock time', async () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    const started = Date.now();
    const got = await env.fromSource<IotReading>(new IotSensors({ count: 60, eventsPerSecond: 1000, ratePerSecond: 200 }), WatermarkStrategy.noWatermarks(), 's').executeAndCollect();
    expect(got).toHaveLength(60);
    // 60 readings at 200/s take about 300 ms of wall-clock time although they span only 60 ms of event time.
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(got.at(-1)!.timestamp - got[0]!.timestamp).toBe(59);
  });

  it('feeds an event-time window per sensor: late readings update results within allowedLateness, later ones go to the side output', async () => {
    const bound = 500;
    const size = 1000;
    const lateness = 15_000;
    const config = { seed: 21, sensors: 4, eventsPerSecond: 200, ratePerSecond: 2000, count: 6000, outOfOrderFraction: 0.1, maxOutOfOrdernessMs: bound, lateFraction: 0.05, maxLatenessMs: 40_000 };
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.getConfig().setAutoWatermarkInterval(10);
    const lateTag = new OutputTag<IotReading>('late-readings');
    const counts = env
      .fromSource<IotReading>(new IotSensors(config), WatermarkStrategy.forBoundedOutOfOrderness<IotReading>(bound).withTimestampAssigner((r) => r.timestamp), 'sensors')
      .keyBy((r) => r.sensorId)
      .window(TumblingEventTimeWindows.of(size))
      .allowedLateness(lateness)
      .sideOutputLateData(lateTag)
      .aggregate<number, number, { sensorId: string; start: number; n: number }>(
        { createAccumulator: () => 0, add: (_r, n) => n + 1, getResult: (n) => n, merge: (a, b) => a + b },
        { process: (sensorId, ctx, ns, out) => out.collect({ sensorId, start: ctx.window.start, n: ns[0]! }) },
      );
    counts.sinkTo({ connector: 'collect', config: { name: 'counts' } });
    counts.getSideOutput(lateTag).sinkTo({ connector: 'collect', config: { name: 'late' } });
    const firings: { sensorId: string; start: number; n: number }[] = [];
    const late: IotReading[] = [];
    await env
      .executeAsync('iot windows', { collect: (sink: string, v: unknown) => (sink === 'counts' ? firings.push(v as (typeof firings)[number]) : late.push(v as IotReading)) })
      .getJobExecutionResult();

    // Every reading is counted exactly once: in its window's last firing, or in the late side output.
    const finalCounts = new Map<string, number>();
    for (const f of firings) finalCounts.set(`${f.sensorId}@${f.start}`, f.n);
    expect([...finalCounts.values()].reduce((a, b) => a + b, 0) + late.length).toBe(config.count);

    // What the engine may drop and must drop, from a per-record watermark. The engine's watermark is periodic, so it
    // trails the per-record one: it can only drop readings the per-record watermark would, and it drops for sure
    // those that stay droppable with a watermark up to `margin` behind (5 s of event time = 0.5 s of wall clock here).
    const margin = 5000;
    const gen = new IotSensorGenerator(config);
    const readings = gen.take(config.count);
    const kinds = classify(readings, bound);
    const windowEnd = (r: IotReading) => Math.floor(r.timestamp / size) * size + size - 1;
    const key = (r: IotReading) => JSON.stringify(r);
    const mayDrop = new Set<string>();
    const mustDrop: IotReading[] = [];
    const mustFireLate: IotReading[] = [];
    const seenWindows = new Set<string>();
    readings.forEach((r, i) => {
      const { wm } = kinds[i]!;
      const win = `${r.sensorId}@${windowEnd(r)}`;
      const windowHadReadings = seenWindows.has(win);
      seenWindows.add(win);
      if (windowEnd(r) + lateness <= wm) mayDrop.add(key(r));
      // By arrival, not timestamp: the engine's first watermark comes only after some readings have arrived.
      const settled = gen.nominalTime(i) - gen.nominalTime(0) >= margin;
      if (settled && windowEnd(r) + lateness <= wm - margin) mustDrop.push(r);
      // Its window already fired (it had readings and the watermark passed its end), and is not yet purged.
      if (settled && windowHadReadings && windowEnd(r) <= wm - margin && windowEnd(r) + lateness > wm) mustFireLate.push(r);
    });
    const lateKeys = new Set(late.map(key));
    expect(late.every((r) => mayDrop.has(key(r)))).toBe(true);
    expect(mustDrop.length).toBeGreaterThan(50);
    // The exact statements above hold whatever the timing; these depend on the periodic watermark keeping up with
    // wall-clock time, so a loaded machine (a stall longer than the margin) is allowed to miss a few.
    expect(mustDrop.filter((r) => lateKeys.has(key(r))).length).toBeGreaterThanOrEqual(Math.floor(mustDrop.length * 0.8));
    // Out-of-order (not late) readings are never dropped.
    const kindOf = new Map(readings.map((r, i) => [key(r), kinds[i]!.kind]));
    expect(late.filter((r) => kindOf.get(key(r)) !== 'late')).toEqual([]);

    // A reading that arrives after its window fired but within allowedLateness fires the window again, with it counted.
    expect(mustFireLate.length).toBeGreaterThan(20);
    const firingsOf = (r: IotReading) => firings.filter((f) => f.sensorId === r.sensorId && f.start === windowEnd(r) + 1 - size);
    expect(mustFireLate.filter((r) => firingsOf(r).length >= 2).length).toBeGreaterThanOrEqual(Math.floor(mustFireLate.length * 0.8));
  });

  it('restores from a checkpoint and continues the exact sequence (also with startTime "now")', async () => {
    const config: IotSensorsConfig = { seed: 4, sensors: 5, count: 3000, ratePerSecond: 6000, startTime: 'now', outOfOrderFraction: 0.2, lateFraction: 0.05, malformedFraction: 0.05 };
    const build = (env: StreamExecutionEnvironment) => env.fromSource<IotReading>(new IotSensors(config), WatermarkStrategy.noWatermarks(), 'sensors').sinkTo({ connector: 'collect', config: { name: 'out' } });

    const before: IotReading[] = [];
    const env1 = StreamExecutionEnvironment.getExecutionEnvironment();
    build(env1);
    const first = env1.executeAsync('first', { collect: (_s: string, v: unknown) => before.push(v as IotReading) });
    await new Promise((r) => setTimeout(r, 200));
    // Taken between event-loop turns: everything collected so far is exactly what the snapshot covers.
    const snapshot: JobSnapshot = JSON.parse(JSON.stringify(first.job.snapshot(1)));
    const atSnapshot = before.length;
    first.cancel();
    await first.getJobExecutionResult();
    expect(atSnapshot).toBeGreaterThan(0);
    expect(atSnapshot).toBeLessThan(3000);

    const after: IotReading[] = [];
    const env2 = new StreamExecutionEnvironment({ jobOptions: () => ({ restoreFrom: snapshot }) });
    build(env2);
    await env2.executeAsync('restored', { collect: (_s: string, v: unknown) => after.push(v as IotReading) }).getJobExecutionResult();

    const state = Object.values(snapshot.operators)[0] as IotGeneratorSnapshot;
    const { count: _count, ratePerSecond: _rate, ...genOpts } = config;
    const reference = new IotSensorGenerator({ ...genOpts, startTime: state.startTime }).take(3000);
    expect([...before.slice(0, atSnapshot), ...after]).toEqual(reference);
  });

  it('splits its readings among parallel subtasks: at parallelism 2 every reading of one generator, once', async () => {
    const config: IotSensorsConfig = { seed: 5, sensors: 7, count: 4000, ratePerSecond: 0, outOfOrderFraction: 0.1, lateFraction: 0.02 };
    const out: IotReading[] = [];
    const env = new StreamExecutionEnvironment();
    env.setParallelism(2);
    env.fromSource<IotReading>(new IotSensors(config), WatermarkStrategy.noWatermarks(), 'sensors').map((r) => r).sinkTo({ connector: 'collect', config: { name: 'out' } });
    const client = env.executeAsync('split', { collect: (_s: string, v: unknown) => out.push(v as IotReading) });
    await client.getJobExecutionResult();
    expect(client.job.metrics().find((m) => m.type === 'source')!.parallelism).toBe(2);
    const { count: _count, ratePerSecond: _rate, ...genOpts } = config;
    const key = (r: IotReading) => JSON.stringify(r);
    expect(out.map(key).sort()).toEqual(new IotSensorGenerator(genOpts).take(4000).map(key).sort());
  });
});
