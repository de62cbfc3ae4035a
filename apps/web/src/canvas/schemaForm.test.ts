import { describe, expect, it } from 'vitest';
import { catalog, type JsonSchema } from './engine.js';
import { branchOf, defaultFor, discriminatorOf, formatDuration, getAt, setAt, switchBranch, widgetOf } from './schemaForm.js';

const schemaOf = (id: string) => catalog.entries.find((e) => e.id === id)!.configSchema;
const prop = (s: JsonSchema, ...names: string[]): JsonSchema => names.reduce((acc, n) => acc.properties![n]!, s);

describe('settings form from JSON Schema', () => {
  it('picks a widget per field: code editor for functions, ms for durations, select for enums, checkbox for booleans', () => {
    const window = schemaOf('window');
    expect(widgetOf(prop(window, 'assigner'))).toBe('union');
    expect(widgetOf(prop(window, 'allowedLateness'))).toBe('duration');
    expect(widgetOf(prop(window, 'lateDataOutputTag'))).toBe('string');
    expect(widgetOf(prop(window, 'function'))).toBe('union');
    const tumbling = prop(window, 'assigner').oneOf![0]!;
    expect(widgetOf(prop(tumbling, 'time'))).toBe('enum');
    expect(widgetOf(prop(tumbling, 'kind'))).toBe('const');
    expect(widgetOf(prop(schemaOf('map'), 'fn'))).toBe('fn');
    expect(widgetOf(prop(schemaOf('intervalJoin'), 'lowerBoundInclusive'))).toBe('boolean');
    const sales = schemaOf('source:sales-generator');
    expect(widgetOf(prop(sales, 'config'))).toBe('object');
    expect(widgetOf(prop(sales, 'config', 'ratePerSecond'))).toBe('number');
    expect(widgetOf(prop(sales, 'watermarkStrategy', 'timestampAssigner'))).toBe('fn');
    expect(widgetOf(prop(schemaOf('source:elements'), 'config', 'elements'))).toBe('json');
  });

  it('switches union branches by their discriminator, keeping the fields both have', () => {
    const assigner = prop(schemaOf('window'), 'assigner');
    expect(discriminatorOf(assigner)).toBe('kind');
    const tumbling = { kind: 'tumbling', time: 'event', size: 2000, offset: 0 };
    expect(branchOf(assigner, tumbling)!.properties!.kind!.const).toBe('tumbling');
    expect(switchBranch(assigner, tumbling, 'sliding')).toEqual({ kind: 'sliding', time: 'event', size: 2000, slide: 1, offset: 0 });
    expect(switchBranch(assigner, tumbling, 'session')).toEqual({ kind: 'session', time: 'event', gap: 1 });
    expect(switchBranch(assigner, tumbling, 'global')).toEqual({ kind: 'global' });
    const fn = prop(schemaOf('window'), 'function');
    expect(switchBranch(fn, { kind: 'reduce', reduce: { code: '(a, b) => a' }, process: { code: 'p' } }, 'process')).toEqual({ kind: 'process', process: { code: 'p' } });
  });

  it('starts newly enabled fields from defaults', () => {
    const window = schemaOf('window');
    expect(defaultFor(prop(window, 'trigger'))).toEqual({ kind: 'eventTime' });
    expect(defaultFor(prop(window, 'evictor'))).toEqual({ kind: 'count', maxCount: 1, doEvictAfter: false });
    const wm = prop(schemaOf('source:sales-generator'), 'watermarkStrategy');
    expect(defaultFor(wm)).toEqual({ kind: 'boundedOutOfOrderness' });
    expect(defaultFor(prop(wm, 'timestampAssigner'))).toEqual({ code: '(value) => value' });
    expect(defaultFor(prop(schemaOf('source:socket-text'), 'config'))).toEqual({ host: 'localhost', port: 1, delimiter: '\n', maxRetry: -1, retryDelayMs: 500 });
  });

  it('sets nested values immutably and removes emptied optional ones', () => {
    const config = { assigner: { kind: 'tumbling', size: 1000 }, allowedLateness: 5 };
    const next = setAt(config, ['assigner', 'size'], 2000);
    expect(getAt(next, ['assigner', 'size'])).toBe(2000);
    expect(config.assigner.size).toBe(1000);
    expect(setAt(config, ['allowedLateness'], undefined)).toEqual({ assigner: { kind: 'tumbling', size: 1000 } });
    expect(setAt({}, ['config', 'port'], 9181)).toEqual({ config: { port: 9181 } });
  });

  it('writes durations for people', () => {
    expect([formatDuration(500), formatDuration(2000), formatDuration(90_000), formatDuration(-3_600_000)]).toEqual(['500 ms', '2 s', '1.5 min', '-1 h']);
  });
});
