/**
 * Deterministic IoT sensor readings: N sensors spread over sites, each with a temperature that follows a daily cycle
 * plus a mean-reverting random walk (so charts look like real sensors, not noise), and a humidity that moves against
 * it. Optionally some readings arrive out of order, late, or malformed, to exercise watermarks, allowed lateness and
 * validation. All state (sequence number, PRNG state, walks) is in `snapshot()`, so a restore continues identically.
 */

/** A reading. Malformed readings (see `malformedFraction`) have `temperature` null (dropout) or a string error code. */
export interface IotReading {
  sensorId: string;
  site: string;
  /** °C, two decimals; `null` or e.g. "ERR:E42" when the reading is malformed. */
  temperature: number | null | string;
  /** Relative humidity, %, one decimal, within [0, 100]. */
  humidity: number;
  /** Event time, epoch ms. */
  timestamp: number;
}

export interface IotGeneratorOptions {
  seed?: number;
  sensors?: number;
  sites?: number;
  /** Readings per second of event time, over all sensors (round robin: each sensor reports every sensors/eventsPerSecond s). */
  eventsPerSecond?: number;
  /** Event time of the first reading (epoch ms). */
  startTime?: number;
  /** Share of readings whose timestamp lies before the newest one so far, but within maxOutOfOrdernessMs of it. */
  outOfOrderFraction?: number;
  maxOutOfOrdernessMs?: number;
  /** Share of readings older than newest − maxOutOfOrdernessMs: late for a watermark with that bound. */
  lateFraction?: number;
  /** Late readings lie up to this far beyond the out-of-orderness bound. */
  maxLatenessMs?: number;
  malformedFraction?: number;
}

/** The generator's complete mutable state (JSON), as stored in checkpoints. */
export interface IotGeneratorSnapshot {
  version: 1;
  seq: number;
  rng: number;
  /** Newest timestamp emitted so far, null before the first reading. */
  maxTimestamp: number | null;
  startTime: number;
  tempWalk: number[];
  humidityWalk: number[];
}

const SITE_NAMES = ['berlin', 'lisbon', 'oslo', 'madrid', 'vienna', 'dublin', 'prague', 'athens', 'helsinki', 'rome'];
const DAY_MS = 86_400_000;
/** Walk per reading: x ← x·(1 − θ) + N(0, σ²), an Ornstein–Uhlenbeck step whose spread stays σ/√(2θ) (≈ 0.75 °C). */
const TEMP_THETA = 0.02;
const TEMP_SIGMA = 0.15;
const HUMIDITY_THETA = 0.02;
const HUMIDITY_SIGMA = 0.4;
const ERROR_CODES = ['ERR:E42', 'ERR:SENSOR_FAULT', 'ERR:CRC'];

/** mulberry32 (as generator/random.ts) with its 32-bit state exposed, so checkpoints can store and restore it. */
export class Mulberry32 {
  state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = Math.imul(this.state ^ (this.state >>> 15), 1 | this.state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  /** Standard normal (Box–Muller); 1 − u keeps the log argument in (0, 1]. */
  gaussian(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}

interface Sensor {
  id: string;
  site: string;
  baseTemp: number;
  amplitude: number;
  baseHumidity: number;
}

export class IotSensorGenerator {
  readonly sensors: readonly Sensor[];
  private readonly rng: Mulberry32;
  private readonly interval: number;
  private readonly opts: Required<Omit<IotGeneratorOptions, 'seed'>>;
  private seq = 0;
  private maxTimestamp: number | null = null;
  private readonly tempWalk: number[];
  private readonly humidityWalk: number[];

  constructor(options: IotGeneratorOptions = {}) {
    const o = {
      sensors: options.sensors ?? 10,
      sites: options.sites ?? 3,
      eventsPerSecond: options.eventsPerSecond ?? 10,
      startTime: options.startTime ?? 1_700_000_000_000,
      outOfOrderFraction: options.outOfOrderFraction ?? 0,
      maxOutOfOrdernessMs: options.maxOutOfOrdernessMs ?? 2000,
      lateFraction: options.lateFraction ?? 0,
      maxLatenessMs: options.maxLatenessMs ?? 60_000,
      malformedFraction: options.malformedFraction ?? 0,
    };
    if (!(o.sensors >= 1 && Number.isInteger(o.sensors))) throw new Error(`sensors must be a positive integer, got ${o.sensors}`);
    if (!(o.eventsPerSecond > 0)) throw new Error(`eventsPerSecond must be > 0, got ${o.eventsPerSecond}`);
    if (o.outOfOrderFraction + o.lateFraction > 1) throw new Error('outOfOrderFraction + lateFraction must be <= 1');
    if (o.outOfOrderFraction > 0 && o.maxOutOfOrdernessMs < 1) throw new Error('out-of-order readings need maxOutOfOrdernessMs >= 1');
    if (o.lateFraction > 0 && o.maxLatenessMs < 1) throw new Error('late readings need maxLatenessMs >= 1');
    this.opts = o;
    this.interval = 1000 / o.eventsPerSecond;
    this.rng = new Mulberry32(options.seed ?? 42);
    // Fixed per-site and per-sensor traits come first from the seed, so a restore (same seed) rebuilds them.
    const siteBase = Array.from({ length: o.sites }, () => 14 + this.rng.next() * 10);
    const width = Math.max(3, String(o.sensors).length);
    this.sensors = Array.from({ length: o.sensors }, (_, i) => ({
      id: `sensor-${String(i + 1).padStart(width, '0')}`,
      site: SITE_NAMES[i % o.sites] ?? `site-${(i % o.sites) + 1}`,
      baseTemp: siteBase[i % o.sites]! + (this.rng.next() * 2 - 1),
      amplitude: 2 + this.rng.next() * 3,
      baseHumidity: 40 + this.rng.next() * 25,
    }));
    this.tempWalk = new Array<number>(o.sensors).fill(0);
    this.humidityWalk = new Array<number>(o.sensors).fill(0);
  }

  /** Readings generated so far (the next reading's sequence number). */
  get position(): number {
    return this.seq;
  }

  /** Event time the n-th reading would have if it were in order. */
  nominalTime(n: number): number {
    return this.opts.startTime + Math.floor(n * this.interval);
  }

  next(): IotReading {
    const o = this.opts;
    const rng = this.rng;
    const n = this.seq++;
    const i = n % o.sensors;
    const sensor = this.sensors[i]!;
    this.tempWalk[i] = this.tempWalk[i]! * (1 - TEMP_THETA) + rng.gaussian() * TEMP_SIGMA;
    this.humidityWalk[i] = this.humidityWalk[i]! * (1 - HUMIDITY_THETA) + rng.gaussian() * HUMIDITY_SIGMA;

    // Shifts are relative to the newest timestamp so far, which is exactly what a bounded-out-of-orderness watermark
    // (newest − bound − 1) is computed from: out-of-order readings stay above it, late ones fall at or below it.
    let timestamp = this.nominalTime(n);
    const kind = rng.next();
    const shift = rng.next();
    const max = this.maxTimestamp;
    if (max !== null) {
      if (kind < o.lateFraction) timestamp = max - o.maxOutOfOrdernessMs - 1 - Math.floor(shift * o.maxLatenessMs);
      else if (kind < o.lateFraction + o.outOfOrderFraction) timestamp = max - 1 - Math.floor(shift * o.maxOutOfOrdernessMs);
    }
    if (max === null || timestamp > max) this.maxTimestamp = timestamp;

    // Daily cycle by the reading's own time of day (UTC), warmest at 15:00; humidity moves the other way.
    const dayPhase = (((timestamp % DAY_MS) + DAY_MS) % DAY_MS) / DAY_MS;
    const cycle = Math.sin(2 * Math.PI * (dayPhase - 9 / 24));
    const temperature = round(sensor.baseTemp + sensor.amplitude * cycle + this.tempWalk[i]!, 2);
    const humidity = round(Math.min(100, Math.max(0, sensor.baseHumidity - 4 * cycle + this.humidityWalk[i]!)), 1);

    const malformed = rng.next() < o.malformedFraction;
    const fault = rng.next();
    return {
      sensorId: sensor.id,
      site: sensor.site,
      temperature: malformed ? (fault < 0.5 ? null : ERROR_CODES[Math.floor(fault * 2 * ERROR_CODES.length) % ERROR_CODES.length]!) : temperature,
      humidity,
      timestamp,
    };
  }

  take(count: number): IotReading[] {
    const out = new Array<IotReading>(count);
    for (let k = 0; k < count; k++) out[k] = this.next();
    return out;
  }

  snapshot(): IotGeneratorSnapshot {
    return {
      version: 1,
      seq: this.seq,
      rng: this.rng.state,
      maxTimestamp: this.maxTimestamp,
      startTime: this.opts.startTime,
      tempWalk: [...this.tempWalk],
      humidityWalk: [...this.humidityWalk],
    };
  }

  /** Continues from a snapshot of a generator built with the same options. */
  restore(s: IotGeneratorSnapshot): void {
    if (s.version !== 1) throw new Error(`iot-sensors: unsupported snapshot version ${String(s.version)}`);
    if (s.tempWalk.length !== this.sensors.length) {
      throw new Error(`iot-sensors: the checkpoint has ${s.tempWalk.length} sensors but the config has ${this.sensors.length}`);
    }
    if (s.startTime !== this.opts.startTime) throw new Error(`iot-sensors: the checkpoint started at ${s.startTime}, the config at ${this.opts.startTime}`);
    this.seq = s.seq;
    this.rng.state = s.rng;
    this.maxTimestamp = s.maxTimestamp;
    for (let i = 0; i < this.sensors.length; i++) {
      this.tempWalk[i] = s.tempWalk[i]!;
      this.humidityWalk[i] = s.humidityWalk[i]!;
    }
  }
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
