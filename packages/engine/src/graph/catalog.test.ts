import { build } from 'esbuild';
import path from 'node:path';
import { runInNewContext } from 'node:vm';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { getConnector, getOperatorDefinition, listConnectors, listOperatorDefinitions, resolveFn, validateGraph, type PipelineGraph } from '../index.js';
import { buildCatalog, catalogEntryFor, humanize, renderCatalogModule, schemaDefaults, type CatalogEntry, type JsonSchema } from './catalog.js';
import { BUILTIN_CATALOG } from './catalog.generated.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const catalog = buildCatalog();
const entry = (id: string): CatalogEntry => {
  const e = catalog.entries.find((x) => x.id === id);
  if (!e) throw new Error(`no catalog entry ${id}`);
  return e;
};
const prop = (s: JsonSchema, ...names: string[]): JsonSchema => names.reduce((acc, n) => acc.properties![n]!, s);

describe('buildCatalog', () => {
  it('has one entry per operator type and one per connector role, grouped as the registry says', () => {
    const types = listOperatorDefinitions().map((d) => d.type).filter((t) => t !== 'source' && t !== 'sink');
    expect(catalog.entries.filter((e) => e.type !== 'source' && e.type !== 'sink').map((e) => e.type).sort()).toEqual(types.sort());
    const sources = listConnectors().filter((c) => c.createSource).map((c) => `source:${c.name}`);
    const sinks = listConnectors().filter((c) => c.createSink).map((c) => `sink:${c.name}`);
    expect(catalog.entries.filter((e) => e.type === 'source').map((e) => e.id).sort()).toEqual(sources.sort());
    expect(catalog.entries.filter((e) => e.type === 'sink').map((e) => e.id).sort()).toEqual(sinks.sort());
    expect(sources).toContain('source:sales-generator');
    expect(sinks).toContain('sink:live');
    for (const e of catalog.entries) {
      if (e.connector) continue;
      const def = getOperatorDefinition(e.type)!;
      expect([e.group, e.inputs, e.keyed, e.description]).toEqual([def.category, def.inputs, def.keyed, def.description]);
    }
    expect(entry('source:sales-generator')).toMatchObject({ group: 'sources', inputs: 0, outputs: 1, label: 'Sales generator' });
    expect(entry('sink:print')).toMatchObject({ group: 'sinks', inputs: 1, outputs: 0 });
    expect(entry('windowJoin')).toMatchObject({ group: 'joins', inputs: 2, outputs: 1, inputLabels: ['left', 'right'] });
    expect(entry('windowCoGroup')).toMatchObject({ label: 'Window CoGroup', group: 'joins', inputs: 2, outputs: 1, keyed: true, inputLabels: ['first', 'second'] });
    // Groups come in pipeline order, so the palette can list them as they are.
    const groups = catalog.entries.map((e) => e.group);
    expect([...new Set(groups)]).toEqual(['sources', 'transformations', 'keyed and windows', 'joins', 'sinks']);
  });

  it('marks user functions and durations in the JSON Schema', () => {
    expect(prop(entry('map').configSchema, 'fn')['x-flowbook']).toBe('fn');
    const window = entry('window').configSchema;
    const fnBranches = prop(window, 'function').oneOf!;
    expect(fnBranches.map((b) => b.properties!.kind!.const)).toEqual(['reduce', 'aggregate', 'process']);
    expect(fnBranches[0]!.properties!.reduce!['x-flowbook']).toBe('fn');
    expect(fnBranches[0]!.properties!.process!['x-flowbook']).toBe('fn');
    expect(prop(window, 'allowedLateness')['x-flowbook']).toBe('duration');
    // The loosely typed assigner/trigger/evictor records get their real shapes.
    const assigners = prop(window, 'assigner').oneOf!;
    expect(assigners.map((b) => b.properties!.kind!.const)).toEqual(['tumbling', 'sliding', 'session', 'dynamicSession', 'global']);
    expect(assigners[0]!.properties!.size!['x-flowbook']).toBe('duration');
    expect(assigners[0]!.properties!.time!.enum).toEqual(['event', 'processing']);
    expect(assigners[3]!.properties!.gapExtractor!['x-flowbook']).toBe('fn');
    expect(prop(window, 'trigger').oneOf!.map((b) => b.properties!.kind!.const)).toContain('purging');
    expect(prop(window, 'evictor').oneOf!.find((b) => b.properties!.kind!.const === 'delta')!.properties!.deltaFunction!['x-flowbook']).toBe('fn');
    const interval = entry('intervalJoin').configSchema;
    expect([prop(interval, 'lowerBound')['x-flowbook'], prop(interval, 'upperBound')['x-flowbook'], prop(interval, 'lowerBoundInclusive').type]).toEqual(['duration', 'duration', 'boolean']);
    // Sources and sinks inline their connector's config schema.
    const socket = entry('source:socket-text').configSchema;
    expect(prop(socket, 'connector').const).toBe('socket-text');
    expect(prop(socket, 'config', 'retryDelayMs')['x-flowbook']).toBe('duration');
    expect(prop(socket, 'config').required).toEqual(['port']);
    expect(prop(socket, 'watermarkStrategy', 'maxOutOfOrderness')['x-flowbook']).toBe('duration');
    expect(prop(socket, 'watermarkStrategy', 'timestampAssigner')['x-flowbook']).toBe('fn');
    expect(prop(entry('sink:live').configSchema, 'config', 'name').default).toBe('result');
  });

  it('gives every entry a default config that passes validation and whose functions compile', () => {
    // Some connectors need values nothing can default (a table, a topic): their starting config holds every
    // default their schema has, and the form asks for the rest.
    const complete = catalog.entries.filter((e) => !e.connector || getConnector(e.connector)!.configSchema.safeParse(e.defaults.config).success);
    expect(complete.map((e) => e.id)).toEqual(expect.arrayContaining(['source:sales-generator', 'source:socket-text', 'source:elements', 'source:nexmark', 'sink:live', 'sink:print']));
    for (const e of catalog.entries.filter((x) => !complete.includes(x))) {
      expect(e.defaults.config, e.id).toMatchObject(schemaDefaults(prop(e.configSchema, 'config')));
    }
    for (const e of complete) {
      const def = getOperatorDefinition(e.type)!;
      expect(def.configSchema.safeParse(e.defaults).success, e.id).toBe(true);
      // The catalog's own (stricter) JSON Schema accepts it too.
      expect(z.fromJSONSchema(e.configSchema as z.core.JSONSchema.JSONSchema).safeParse(e.defaults).success, e.id).toBe(true);
      const fn = (e.defaults.fn ?? (e.defaults.function as { reduce?: unknown } | undefined)?.reduce) as { code: string } | undefined;
      if (fn) expect(['function', 'object'], e.id).toContain(typeof resolveFn(fn, e.id));
    }
    // A minimal pipeline of each default node validates (sources, sinks and connector configs included).
    for (const e of complete) {
      const nodes: PipelineGraph['nodes'] = [{ id: 'n', type: e.type, config: e.defaults }];
      const edges: PipelineGraph['edges'] = [];
      // A default assigner node keeps the records' own timestamps: give it a source whose records have some.
      const src = { id: 's', type: 'source', config: entry(e.type === 'assignTimestampsAndWatermarks' ? 'source:iot-sensors' : 'source:sales-generator').defaults };
      if (e.inputs > 0) nodes.push(src);
      for (let i = 0; i < e.inputs; i++) {
        edges.push({ source: 's', target: 'n', targetInput: i as 0 | 1, ...(e.keyed === true || e.type === 'window' ? { partitioning: 'hash', keySelector: { code: '(v) => v' } } : { partitioning: 'forward' }) });
      }
      expect(validateGraph({ version: 1, config: { autoWatermarkInterval: 200, maxParallelism: 128 }, nodes, edges }), e.id).toEqual([]);
    }
  });

  it('finds the entry of a node, by connector for sources and sinks', () => {
    expect(catalogEntryFor(catalog, { type: 'source', config: { connector: 'nexmark' } })?.id).toBe('source:nexmark');
    expect(catalogEntryFor(catalog, { type: 'window', config: {} })?.id).toBe('window');
    expect(catalogEntryFor(catalog, { type: 'sink', config: { connector: 'nope' } })).toBeUndefined();
    expect(humanize('keyedCoProcess')).toBe('Keyed co process');
  });

  it('is checked in as catalog.generated.ts, up to date with the registries', async () => {
    await expect(renderCatalogModule(catalog)).toMatchFileSnapshot('./catalog.generated.ts');
    expect(BUILTIN_CATALOG).toEqual(JSON.parse(JSON.stringify(catalog)));
  });

  it('rebuilds connector schemas from JSON Schema so the browser validates connector configs', async () => {
    // A fresh module graph: the registry holds no connector code, as in the browser.
    vi.resetModules();
    const registry = await import('../connectors/registry.js');
    const fresh = await import('./catalog.js');
    expect(registry.listConnectors()).toEqual([]);
    fresh.registerCatalogConnectors(BUILTIN_CATALOG);
    const names = BUILTIN_CATALOG.connectors.map((c) => c.name);
    expect(registry.listConnectors().map((c) => c.name)).toEqual(names);
    // Same verdicts as the real schemas.
    const samples: [string, unknown][] = [
      ['socket-text', {}],
      ['socket-text', { port: 9181 }],
      ['socket-text', { port: 70000 }],
      ['sales-generator', { ratePerSecond: -1 }],
      ['sales-generator', { count: 10 }],
      ['live', { name: '' }],
      ['elements', { elements: [1] }],
      ['elements', { elements: 'x' }],
    ];
    for (const [name, config] of samples) {
      expect(registry.getConnector(name)!.configSchema.safeParse(config).success, `${name} ${JSON.stringify(config)}`).toBe(getConnector(name)!.configSchema.safeParse(config).success);
    }
    expect(() => registry.parseConnectorConfig('socket-text', { port: 0 }, 'node "s"')).toThrow(/invalid socket-text config: port/);
  });

  it('reaches the browser without Node modules or globals: validateGraph and toCode run with the catalog alone', async () => {
    const result = await build({
      stdin: {
        contents: `export * from './catalog.js'; export * from './catalog.generated.js'; export * from './validate.js'; export * from './toCode.js';`,
        resolveDir: here,
        sourcefile: 'browser-entry.ts',
        loader: 'ts',
      },
      bundle: true,
      write: false,
      platform: 'browser',
      format: 'iife',
      globalName: 'flowbook',
      metafile: true,
      logLevel: 'silent',
      // The workspace's packages (@flowbook/protocol) from their sources, as Vite and Vitest resolve them.
      conditions: ['development'],
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.filter((i) => /^node:|connectors\/(socket|generator|print|live|collect|postgres|kafka|mqtt|file)|cells\/|checkpoint\//.test(i))).toEqual([]);
    // A context with the language's globals only (no process, setImmediate, Buffer), as in a browser tab.
    type Browser = typeof import('./catalog.js') & typeof import('./catalog.generated.js') & typeof import('./validate.js') & typeof import('./toCode.js');
    const web = runInNewContext(`${result.outputFiles[0]!.text}; flowbook`, {}) as Browser;
    web.registerCatalogConnectors(web.BUILTIN_CATALOG);
    const sales = web.BUILTIN_CATALOG.entries.find((e) => e.id === 'source:sales-generator')!;
    const graph: PipelineGraph = {
      version: 1,
      config: { autoWatermarkInterval: 200, maxParallelism: 128 },
      nodes: [
        { id: 's', type: 'source', name: 'sales-generator', config: sales.defaults },
        { id: 'm', type: 'map', config: { fn: { code: '(l) => l.length' } } },
        { id: 'k', type: 'sink', name: 'Print', config: { connector: 'print', config: {} } },
      ],
      edges: [
        { source: 's', target: 'm', targetInput: 0, partitioning: 'forward' },
        { source: 'm', target: 'k', targetInput: 0, partitioning: 'forward' },
      ],
    };
    expect(web.validateGraph(graph)).toEqual([]);
    const bad = structuredClone(graph);
    bad.nodes[0]!.config = { connector: 'sales-generator', config: { ratePerSecond: -5 } };
    bad.edges.pop();
    expect(web.validateGraph(bad).map((i) => i.nodeId)).toEqual(['k', 's']);
    expect(web.toCode(graph)).toContain('new SalesGenerator({ ratePerSecond: 100, seed: 42 })');
  });
});
