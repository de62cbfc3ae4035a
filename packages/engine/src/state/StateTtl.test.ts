// Keyed state TTL, ported from the behaviour of Flink's TtlStateTestBase: processing time is driven by hand.
import { describe, expect, it } from 'vitest';
import { ManualProcessingTimeService } from '../time/ProcessingTimeService.js';
import { KeyedStateBackend } from './KeyedStateBackend.js';
import {
  AggregatingStateDescriptor,
  ListStateDescriptor,
  MapStateDescriptor,
  ReducingStateDescriptor,
  ValueStateDescriptor,
} from './StateDescriptor.js';
import { StateTtlConfig } from './StateTtlConfig.js';

const TTL = 100;

function setup() {
  const clock = new ManualProcessingTimeService(0);
  const backend = new KeyedStateBackend(clock);
  backend.setCurrentKey('k');
  return { clock, backend };
}
const onWrite = () => StateTtlConfig.newBuilder(TTL).updateTtlOnCreateAndWrite().neverReturnExpired().build();
const onRead = () => StateTtlConfig.newBuilder(TTL).updateTtlOnReadAndWrite().neverReturnExpired().build();

describe('ValueState with TTL', () => {
  it('OnCreateAndWrite: visible before expiry, gone at write time + ttl', () => {
    const { clock, backend } = setup();
    const s = backend.getPartitionedState(new ValueStateDescriptor<number>('v').enableTimeToLive(onWrite()));
    s.update(1);
    clock.advanceTo(TTL - 1);
    expect(s.value()).toBe(1);
    clock.advanceTo(TTL); // expired when lastAccess + ttl <= now, as Flink's TtlUtils.expired
    expect(s.value()).toBeUndefined();
    expect(backend.numEntries()).toBe(0); // NeverReturnExpired also removes the entry on read
  });

  it('OnCreateAndWrite: reads do not extend the life, writes do', () => {
    const { clock, backend } = setup();
    const s = backend.getPartitionedState(new ValueStateDescriptor<number>('v').enableTimeToLive(onWrite()));
    s.update(1);
    clock.advanceTo(60);
    expect(s.value()).toBe(1);
    clock.advanceTo(100);
    expect(s.value()).toBeUndefined();
    s.update(2);
    clock.advanceTo(150);
    s.update(3); // rewrite at 150 → lives until 250
    clock.advanceTo(249);
    expect(s.value()).toBe(3);
    clock.advanceTo(250);
    expect(s.value()).toBeUndefined();
  });

  it('OnReadAndWrite: each read extends the life', () => {
    const { clock, backend } = setup();
    const s = backend.getPartitionedState(new ValueStateDescriptor<number>('v').enableTimeToLive(onRead()));
    s.update(7);
    clock.advanceTo(60);
    expect(s.value()).toBe(7);
    clock.advanceTo(150);
    expect(s.value()).toBe(7); // read at 60 moved expiry to 160
    clock.advanceTo(249); // read at 150 moved expiry to 250
    expect(s.value()).toBe(7);
    clock.advanceTo(349); // read at 249 moved expiry to 349: due now
    expect(s.value()).toBeUndefined();
  });

  it('ReturnExpiredIfNotCleanedUp returns the stale value', () => {
    const { clock, backend } = setup();
    const cfg = StateTtlConfig.newBuilder(TTL).returnExpiredIfNotCleanedUp().build();
    const s = backend.getPartitionedState(new ValueStateDescriptor<number>('v').enableTimeToLive(cfg));
    s.update(5);
    clock.advanceTo(500);
    expect(s.value()).toBe(5);
  });

  it('expiry is per key', () => {
    const { clock, backend } = setup();
    const s = backend.getPartitionedState(new ValueStateDescriptor<string>('v').enableTimeToLive(onWrite()));
    backend.setCurrentKey('a');
    s.update('A');
    clock.advanceTo(50);
    backend.setCurrentKey('b');
    s.update('B');
    clock.advanceTo(120);
    backend.setCurrentKey('a');
    expect(s.value()).toBeUndefined();
    backend.setCurrentKey('b');
    expect(s.value()).toBe('B');
  });

  it('state without TTL never expires', () => {
    const { clock, backend } = setup();
    const s = backend.getPartitionedState(new ValueStateDescriptor<number>('v'));
    s.update(1);
    clock.advanceTo(1_000_000);
    expect(s.value()).toBe(1);
  });

  it('an expired value state falls back to the default value', () => {
    const { clock, backend } = setup();
    const s = backend.getPartitionedState(new ValueStateDescriptor<number>('v', 42).enableTimeToLive(onWrite()));
    s.update(1);
    clock.advanceTo(TTL);
    expect(s.value()).toBe(42);
  });
});

describe('ListState with TTL', () => {
  it('OnCreateAndWrite: add refreshes the list, expiry drops all of it', () => {
    const { clock, backend } = setup();
    const s = backend.getPartitionedState(new ListStateDescriptor<number>('l').enableTimeToLive(onWrite()));
    s.add(1);
    clock.advanceTo(80);
    s.add(2); // write at 80 → expires at 180
    clock.advanceTo(150);
    expect(s.get()).toEqual([1, 2]);
    clock.advanceTo(180);
    expect(s.get()).toBeUndefined();
    s.add(3); // starts a fresh list
    expect(s.get()).toEqual([3]);
  });

  it('OnReadAndWrite: get keeps the list alive', () => {
    const { clock, backend } = setup();
    const s = backend.getPartitionedState(new ListStateDescriptor<number>('l').enableTimeToLive(onRead()));
    s.addAll([1, 2]);
    for (const t of [90, 180, 270]) {
      clock.advanceTo(t);
      expect(s.get()).toEqual([1, 2]);
    }
    clock.advanceTo(370);
    expect(s.get()).toBeUndefined();
  });
});

describe('MapState with TTL', () => {
  it('OnCreateAndWrite: put refreshes, expiry empties the map', () => {
    const { clock, backend } = setup();
    const s = backend.getPartitionedState(new MapStateDescriptor<string, number>('m').enableTimeToLive(onWrite()));
    s.put('x', 1);
    clock.advanceTo(50);
    s.put('y', 2);
    clock.advanceTo(149);
    expect(s.get('x')).toBe(1);
    expect(s.entries()).toEqual([
      ['x', 1],
      ['y', 2],
    ]);
    clock.advanceTo(150);
    expect(s.contains('x')).toBe(false);
    expect(s.isEmpty()).toBe(true);
  });

  it('OnReadAndWrite: reads refresh', () => {
    const { clock, backend } = setup();
    const s = backend.getPartitionedState(new MapStateDescriptor<string, number>('m').enableTimeToLive(onRead()));
    s.put('x', 1);
    clock.advanceTo(99);
    expect(s.get('x')).toBe(1);
    clock.advanceTo(198);
    expect(s.keys()).toEqual(['x']);
    clock.advanceTo(298);
    expect(s.get('x')).toBeUndefined();
  });
});

describe('ReducingState and AggregatingState with TTL', () => {
  it('ReducingState: an expired accumulator is not reduced into', () => {
    const { clock, backend } = setup();
    const s = backend.getPartitionedState(new ReducingStateDescriptor<number>('r', (a, b) => a + b).enableTimeToLive(onWrite()));
    s.add(1);
    s.add(2);
    clock.advanceTo(99);
    expect(s.get()).toBe(3);
    clock.advanceTo(100);
    s.add(10);
    expect(s.get()).toBe(10);
  });

  it('AggregatingState: OnCreateAndWrite restarts the accumulator after expiry', () => {
    const { clock, backend } = setup();
    const avg = {
      createAccumulator: () => [0, 0] as [number, number],
      add: (v: number, a: [number, number]) => [a[0] + v, a[1] + 1] as [number, number],
      getResult: (a: [number, number]) => a[0] / a[1],
      merge: (a: [number, number], b: [number, number]) => [a[0] + b[0], a[1] + b[1]] as [number, number],
    };
    const s = backend.getPartitionedState(new AggregatingStateDescriptor('a', avg).enableTimeToLive(onWrite()));
    s.add(2);
    s.add(4);
    clock.advanceTo(50);
    expect(s.get()).toBe(3);
    clock.advanceTo(100);
    expect(s.get()).toBeUndefined();
    s.add(10);
    expect(s.get()).toBe(10);
  });

  it('AggregatingState: OnReadAndWrite reads refresh', () => {
    const { clock, backend } = setup();
    const sum = {
      createAccumulator: () => 0,
      add: (v: number, a: number) => a + v,
      getResult: (a: number) => a,
      merge: (a: number, b: number) => a + b,
    };
    const s = backend.getPartitionedState(new AggregatingStateDescriptor('a', sum).enableTimeToLive(onRead()));
    s.add(5);
    clock.advanceTo(90);
    expect(s.get()).toBe(5);
    clock.advanceTo(180);
    expect(s.get()).toBe(5);
    clock.advanceTo(280);
    expect(s.get()).toBeUndefined();
  });
});

describe('TTL across snapshot and restore', () => {
  it('restored TTL state keeps its last-access time (Flink snapshots TtlValue timestamps)', () => {
    const { clock, backend } = setup();
    const d = new ValueStateDescriptor<number>('v').enableTimeToLive(onWrite());
    clock.advanceTo(40);
    backend.getPartitionedState(d).update(1); // written at 40 → expires at 140
    const snap = JSON.parse(JSON.stringify(backend.snapshot()));
    const clock2 = new ManualProcessingTimeService(100);
    const restored = new KeyedStateBackend(clock2);
    restored.restore(snap);
    restored.setCurrentKey('k');
    const s = restored.getPartitionedState(d);
    expect(s.value()).toBe(1);
    clock2.advanceTo(139);
    expect(s.value()).toBe(1);
    clock2.advanceTo(140);
    expect(s.value()).toBeUndefined();
  });

  it('state restored past its expiry is not returned', () => {
    const { backend } = setup();
    const d = new ListStateDescriptor<number>('l').enableTimeToLive(onWrite());
    backend.getPartitionedState(d).add(1);
    const restored = new KeyedStateBackend(new ManualProcessingTimeService(500));
    restored.restore(JSON.parse(JSON.stringify(backend.snapshot())));
    restored.setCurrentKey('k');
    expect(restored.getPartitionedState(d).get()).toBeUndefined();
  });

  it('a restore followed by a snapshot, before the state is used, keeps the timestamps', () => {
    const { clock, backend } = setup();
    const d = new ValueStateDescriptor<number>('v').enableTimeToLive(onWrite());
    clock.advanceTo(30);
    backend.getPartitionedState(d).update(1);
    const first = new KeyedStateBackend(new ManualProcessingTimeService(60));
    first.restore(JSON.parse(JSON.stringify(backend.snapshot())));
    const clock3 = new ManualProcessingTimeService(120);
    const second = new KeyedStateBackend(clock3);
    second.restore(JSON.parse(JSON.stringify(first.snapshot())));
    second.setCurrentKey('k');
    const s = second.getPartitionedState(d);
    expect(s.value()).toBe(1);
    clock3.advanceTo(130); // 30 + 100
    expect(s.value()).toBeUndefined();
  });

  it('state without TTL snapshots no timestamps', () => {
    const { backend } = setup();
    backend.getPartitionedState(new ValueStateDescriptor<number>('plain')).update(3);
    const [table, ...others] = backend.snapshot().tables;
    expect(others).toEqual([]);
    expect(table).toMatchObject({ name: 'plain', kind: 'value', size: 1, keys: ['k'], namespaces: { dict: [''] }, values: { numbers: new Float64Array([3]) } });
    expect(table).not.toHaveProperty('lastAccess');
  });
});

describe('StateTtlConfig', () => {
  it('rejects a non-positive ttl and defaults to OnCreateAndWrite/NeverReturnExpired', () => {
    expect(() => StateTtlConfig.newBuilder(0).build()).toThrow(/ttl must be > 0/);
    const c = StateTtlConfig.newBuilder(5).build();
    expect([c.updateType, c.stateVisibility]).toEqual(['OnCreateAndWrite', 'NeverReturnExpired']);
  });
});
