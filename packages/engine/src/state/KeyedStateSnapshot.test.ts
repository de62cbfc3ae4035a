import { describe, expect, it } from 'vitest';
import { ManualProcessingTimeService } from '../time/ProcessingTimeService.js';
import { KeyedStateBackend } from './KeyedStateBackend.js';
import { upgradeKeyedStateSnapshot, type KeyedStateSnapshotV1, type KeyedStateTable } from './KeyedStateSnapshot.js';
import { assignToKeyGroup } from './keyGroups.js';
import {
  AggregatingStateDescriptor,
  ListStateDescriptor,
  MapStateDescriptor,
  ValueStateDescriptor,
  type AggregatingStateLike,
  type ListStateLike,
  type MapStateLike,
  type ValueStateLike,
} from './StateDescriptor.js';
import { StateTtlConfig } from './StateTtlConfig.js';

function backendWith(fill: (b: KeyedStateBackend) => void, clock = new ManualProcessingTimeService(100)): KeyedStateBackend {
  const b = new KeyedStateBackend(clock);
  fill(b);
  return b;
}
const table = (b: KeyedStateBackend, name: string): KeyedStateTable => b.snapshot().tables.find((t) => t.name === name)!;

/** Everything a backend holds, by reading every key back through state handles. */
function read(b: KeyedStateBackend, keys: unknown[]): unknown[] {
  const v = b.getPartitionedState(new ValueStateDescriptor<unknown>('v'));
  const l = b.getPartitionedState(new ListStateDescriptor<unknown>('l'));
  const m = b.getPartitionedState(new MapStateDescriptor<string, unknown>('m'));
  return keys.map((k) => {
    b.setCurrentKey(k);
    return [k, v.value(), l.get(), m.entries()];
  });
}

describe('keyed state snapshots in columns', () => {
  it('leaves out emptied namespaces, the default one included, and restores into handles taken before', () => {
    const b = new KeyedStateBackend(new ManualProcessingTimeService(0));
    const v = b.getPartitionedState(new ValueStateDescriptor<number>('v'));
    const w = b.getPartitionedState(new ValueStateDescriptor<number>('w'), () => 'window-1');
    b.setCurrentKey('a');
    v.update(1);
    w.update(2);
    expect(b.numEntries()).toBe(2);
    v.clear();
    w.clear();
    expect(b.numEntries()).toBe(0);
    expect(b.snapshot().tables).toEqual([]);
    b.setCurrentKey('b');
    v.update(3);
    const snap = b.snapshot();
    expect(snap.tables.map((t) => [t.name, t.size, t.namespaces.dict])).toEqual([['v', 1, ['']]]);
    v.update(4);
    b.setCurrentKey('c');
    v.update(5);
    b.restore(snap);
    expect(b.numEntries()).toBe(1);
    expect(v.value()).toBeUndefined();
    b.setCurrentKey('b');
    expect(v.value()).toBe(3);
  });

  it('writes numbers as Float64Array, flat number records one Float64Array per field, anything else as plain values', () => {
    const b = backendWith((b) => {
      const n = b.getPartitionedState(new ValueStateDescriptor<number>('n'));
      const r = b.getPartitionedState(new ValueStateDescriptor<{ count: number; sum: number }>('r'));
      const mixed = b.getPartitionedState(new ValueStateDescriptor<unknown>('mixed'));
      const order = b.getPartitionedState(new ValueStateDescriptor<unknown>('order'));
      for (let k = 0; k < 5; k++) {
        b.setCurrentKey(k);
        n.update(k / 3);
        r.update({ count: k, sum: -k * 1.5 });
        mixed.update(k < 3 ? k : `v${k}`);
        order.update(k === 4 ? { sum: 1, count: 2 } : { count: 2, sum: 1 });
      }
      b.setCurrentKey('s');
      n.update(Number.NaN);
    });
    expect(table(b, 'n').keys).toEqual([0, 1, 2, 3, 4, 's']);
    expect(table(b, 'n').values).toEqual({ numbers: new Float64Array([0, 1 / 3, 2 / 3, 1, 4 / 3, Number.NaN]) });
    expect(table(b, 'r').keys).toEqual(new Float64Array([0, 1, 2, 3, 4]));
    expect(table(b, 'r').values).toEqual({ fields: ['count', 'sum'], columns: [new Float64Array([0, 1, 2, 3, 4]), new Float64Array([-0, -1.5, -3, -4.5, -6])] });
    // A value that does not fit falls back to plain values for the whole column, the earlier rows read back.
    expect(table(b, 'mixed').values).toEqual({ plain: [0, 1, 2, 'v3', 'v4'] });
    // Same fields in another order is another record: plain, so the restored objects keep their own field order.
    const order = (table(b, 'order').values as { plain: object[] }).plain;
    expect(order.map((o) => Object.keys(o).join())).toEqual(['count,sum', 'count,sum', 'count,sum', 'count,sum', 'sum,count']);
  });

  it('is a private copy: changing live lists, maps and objects afterwards does not change a snapshot', () => {
    type Acc = { items: string[]; meta: { n: number } };
    const agg = { createAccumulator: (): Acc => ({ items: [], meta: { n: 0 } }), add: (v: string, a: Acc) => (a.items.push(v), a.meta.n++, a), getResult: (a: Acc) => a.items.join(), merge: (a: Acc) => a };
    const b = new KeyedStateBackend(new ManualProcessingTimeService(0));
    const l = b.getPartitionedState(new ListStateDescriptor<number>('l')) as ListStateLike<number>;
    const m = b.getPartitionedState(new MapStateDescriptor<string, { x: number[] }>('m')) as MapStateLike<string, { x: number[] }>;
    const a = b.getPartitionedState(new AggregatingStateDescriptor('a', agg)) as AggregatingStateLike<string, string>;
    b.setCurrentKey('k');
    l.add(1);
    m.put('p', { x: [1] });
    a.add('first');
    const snapshot = b.snapshot();
    const before = JSON.stringify(snapshot);
    l.add(2);
    m.get('p')!.x.push(2);
    m.put('q', { x: [] });
    a.add('second');
    expect(JSON.stringify(snapshot)).toBe(before);
    // And a restored backend does not share objects with the snapshot it came from.
    const restored = new KeyedStateBackend(new ManualProcessingTimeService(0));
    restored.restore(snapshot);
    restored.setCurrentKey('k');
    (restored.getPartitionedState(new ListStateDescriptor<number>('l')) as ListStateLike<number>).add(3);
    expect(JSON.stringify(snapshot)).toBe(before);
  });

  it('numbers namespaces through a dictionary whose indexes widen past 256 and 65,536 namespaces', () => {
    for (const [count, type] of [
      [3, Uint8Array],
      [300, Uint16Array],
      [70_000, Uint32Array],
    ] as const) {
      const b = new KeyedStateBackend(new ManualProcessingTimeService(0));
      let ns = '';
      const s = b.getPartitionedState(new ValueStateDescriptor<number>('w'), () => ns) as ValueStateLike<number>;
      for (let i = 0; i < count; i++) {
        ns = `w${i}`;
        b.setCurrentKey(i % 7);
        s.update(i);
        b.setCurrentKey(100 + (i % 5));
        s.update(-i);
      }
      const t = b.snapshot().tables[0]!;
      expect(t.namespaces.dict.length).toBe(count);
      expect(t.namespaces.index).toBeInstanceOf(type);
      const back = new KeyedStateBackend(new ManualProcessingTimeService(0));
      back.restore(b.snapshot());
      const r = back.getPartitionedState(new ValueStateDescriptor<number>('w'), () => ns) as ValueStateLike<number>;
      ns = `w${count - 1}`;
      back.setCurrentKey((count - 1) % 7);
      expect(r.value()).toBe(count - 1);
      back.setCurrentKey(100 + ((count - 1) % 5));
      expect(r.value()).toBe(-(count - 1));
    }
  });

  it('writes TTL last-access times only for state with TTL, and restores them', () => {
    const clock = new ManualProcessingTimeService(1000);
    const ttl = StateTtlConfig.newBuilder(50).build();
    const b = backendWith((b) => {
      b.setCurrentKey('k');
      b.getPartitionedState(new ValueStateDescriptor<number>('t').enableTimeToLive(ttl)).update(1);
      b.getPartitionedState(new ValueStateDescriptor<number>('plain')).update(2);
    }, clock);
    expect(table(b, 't').lastAccess).toEqual(new Float64Array([1000]));
    expect(table(b, 'plain').lastAccess).toBeUndefined();
    const later = new ManualProcessingTimeService(1049);
    const back = new KeyedStateBackend(later);
    back.restore(b.snapshot());
    back.setCurrentKey('k');
    const t = back.getPartitionedState(new ValueStateDescriptor<number>('t').enableTimeToLive(ttl));
    expect(t.value()).toBe(1);
    later.advanceTo(1050);
    expect(t.value()).toBeUndefined();
  });

  it('restores format 1 rows as format 2 columns, and only the key groups `owns` accepts', () => {
    const keys = ['a', 'b', 'c', 7, 8, 9];
    const v1: KeyedStateSnapshotV1 = { formatVersion: 1, maxParallelism: 128, keyGroups: {} };
    for (const k of keys) {
      const rows = (v1.keyGroups[assignToKeyGroup(k)] ??= []);
      rows.push(['v', 'value', k, '', { n: String(k) }], ['l', 'list', k, '', [k, k]], ['m', 'map', k, '', [['x', k]]]);
    }
    const upgraded = upgradeKeyedStateSnapshot(v1);
    expect(upgraded.formatVersion).toBe(2);
    expect(upgraded.tables.map((t) => [t.name, t.kind, t.size])).toEqual([
      ['v', 'value', 6],
      ['l', 'list', 6],
      ['m', 'map', 6],
    ]);
    const fromV1 = new KeyedStateBackend(new ManualProcessingTimeService(0));
    fromV1.restore(v1);
    const expected = keys.map((k) => [k, { n: String(k) }, [k, k], [['x', k]]]);
    expect(read(fromV1, keys)).toEqual(expected);
    // Through JSON (typed arrays become objects) and a key-group filter.
    const owns = (kg: number) => kg % 2 === 0;
    const filtered = new KeyedStateBackend(new ManualProcessingTimeService(0));
    filtered.restore(JSON.parse(JSON.stringify(fromV1.snapshot())), owns);
    expect(read(filtered, keys)).toEqual(expected.map((e) => (owns(assignToKeyGroup(e[0])) ? e : [e[0], undefined, undefined, []])));
  });
});
