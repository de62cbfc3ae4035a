import type { AggregateFunction, ReduceFunction } from '../api/functions.js';
import type { StateTtlConfig } from './StateTtlConfig.js';

export type StateKind = 'value' | 'list' | 'map' | 'reducing' | 'aggregating';

/** Names a piece of keyed state and its kind (Flink's StateDescriptor). */
export abstract class StateDescriptor<S = unknown> {
  abstract readonly kind: StateKind;
  ttlConfig: StateTtlConfig | undefined;
  declare readonly _state?: S;
  constructor(readonly name: string) {
    if (!name) throw new Error('state descriptors need a name');
  }
  enableTimeToLive(ttl: StateTtlConfig): this {
    this.ttlConfig = ttl;
    return this;
  }
}

export class ValueStateDescriptor<T> extends StateDescriptor<ValueStateLike<T>> {
  readonly kind = 'value' as const;
  constructor(name: string, readonly defaultValue?: T) {
    super(name);
  }
}
export class ListStateDescriptor<T> extends StateDescriptor<ListStateLike<T>> {
  readonly kind = 'list' as const;
}
export class MapStateDescriptor<K, V> extends StateDescriptor<MapStateLike<K, V>> {
  readonly kind = 'map' as const;
}
export class ReducingStateDescriptor<T> extends StateDescriptor<ReducingStateLike<T>> {
  readonly kind = 'reducing' as const;
  constructor(name: string, readonly reduceFunction: ReduceFunction<T>) {
    super(name);
  }
}
export class AggregatingStateDescriptor<IN, ACC, OUT> extends StateDescriptor<AggregatingStateLike<IN, OUT>> {
  readonly kind = 'aggregating' as const;
  constructor(name: string, readonly aggregateFunction: AggregateFunction<IN, ACC, OUT>) {
    super(name);
  }
}

export interface State {
  clear(): void;
}
export interface ValueStateLike<T> extends State {
  value(): T | undefined;
  update(value: T | undefined): void;
}
export interface AppendingStateLike<IN, OUT> extends State {
  get(): OUT | undefined;
  add(value: IN): void;
}
export interface ListStateLike<T> extends AppendingStateLike<T, T[]> {
  update(values: T[]): void;
  addAll(values: T[]): void;
}
export interface MapStateLike<K, V> extends State {
  get(key: K): V | undefined;
  put(key: K, value: V): void;
  putAll(entries: Iterable<[K, V]>): void;
  remove(key: K): void;
  contains(key: K): boolean;
  entries(): [K, V][];
  keys(): K[];
  values(): V[];
  isEmpty(): boolean;
}
export type ReducingStateLike<T> = AppendingStateLike<T, T>;
export type AggregatingStateLike<IN, OUT> = AppendingStateLike<IN, OUT>;
