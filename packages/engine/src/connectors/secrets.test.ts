import { afterEach, describe, expect, it } from 'vitest';
import { Job, StreamExecutionEnvironment } from '../index.js';
import { redactSecrets, resolveSecrets, setSecretLookup } from './secrets.js';

afterEach(() => setSecretLookup((kind, name) => (kind === 'env' ? process.env[name] : undefined)));

describe('secrets in connector configs', () => {
  it('replaces ${env:…} and ${secret:…} anywhere in a config, and names a missing one', () => {
    setSecretLookup((kind, name) => (kind === 'secret' && name === 'PG_PASSWORD' ? 's3cr3t' : kind === 'env' && name === 'PGHOST' ? 'db.local' : undefined));
    expect(resolveSecrets({ url: 'postgresql://app:${secret:PG_PASSWORD}@${env:PGHOST}:5432/x', list: ['${env:PGHOST}'], n: 3 }, 'node "sink"')).toEqual({
      url: 'postgresql://app:s3cr3t@db.local:5432/x',
      list: ['db.local'],
      n: 3,
    });
    expect(() => resolveSecrets({ password: '${secret:NOPE}' }, 'node "sink"')).toThrow('node "sink": secret NOPE is not set');
  });

  it('resolves when the job starts: the graph keeps the placeholder, the sink gets the value', async () => {
    setSecretLookup((kind, name) => (kind === 'secret' && name === 'SINK_NAME' ? 'resolved' : undefined));
    const env = new StreamExecutionEnvironment();
    env.fromElements(1, 2).sinkTo({ connector: 'live', config: { name: '${secret:SINK_NAME}' } });
    const graph = env.getPipeline('s');
    const seen: string[] = [];
    await new Job(graph, { services: { live: (sink: string) => seen.push(sink) } }).run();
    expect(seen).toEqual(['resolved', 'resolved']);
    expect(JSON.stringify(graph)).toContain('${secret:SINK_NAME}');
    expect(JSON.stringify(graph)).not.toContain('"resolved"');
  });

  it('redacts passwords in URLs and password-like keys for display, but keeps placeholders', () => {
    expect(
      redactSecrets({ url: 'postgresql://app:hunter2@db:5432/x', sasl: { password: 'pw', username: 'u' }, apiToken: '${secret:T}', other: 'keep' }),
    ).toEqual({ url: 'postgresql://app:•••@db:5432/x', sasl: { password: '•••', username: 'u' }, apiToken: '${secret:T}', other: 'keep' });
  });
});
