import { describe, expect, it } from 'vitest';
import { waitFor, useTestServer } from '../testing.js';

const server = useTestServer();
const headers = { authorization: 'token test-token', 'content-type': 'application/json' };
const api = (p: string, init: RequestInit = {}) => fetch(`${server.origin}/api/v1${p}`, { ...init, headers });

describe('data taps over REST', () => {
  it('opens a tap on a running operator, returns its last records with time, and reads incrementally', async () => {
    const { jobId } = await (await api('/jobs', { method: 'POST', body: JSON.stringify({ notebook: 'generated-sales', cellId: 'profit' }) })).json();
    const job = await waitFor(async () => (await api(`/jobs/${jobId}`)).json(), (j) => j.status === 'running' && j.graph !== undefined);
    const source = (job.graph.nodes as { id: string; type: string }[]).find((n) => n.type === 'source')!.id;
    // The first read opens the tap; records flow in from then on.
    await api(`/jobs/${jobId}/taps/${source}?n=20`);
    const tap = await waitFor(async () => (await api(`/jobs/${jobId}/taps/${source}?n=20`)).json(), (t) => t.records?.length === 20);
    expect(tap.capacity).toBe(20);
    expect(tap.records[0].value).toMatch(/^\d\d-\d\d-2018,[A-Z][a-z]+,Category\d,\w+,\d+$/);
    expect(tap.records.every((r: { at: number }) => r.at > Date.now() - 60_000)).toBe(true);
    const seqs = tap.records.map((r: { seq: number }) => r.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    // Only newer records after a given sequence number.
    const next = await waitFor(async () => (await api(`/jobs/${jobId}/taps/${source}?n=20&after=${tap.seq - 1}`)).json(), (t) => t.records.length > 0);
    expect(next.records.every((r: { seq: number }) => r.seq > tap.seq - 1)).toBe(true);

    expect((await api(`/jobs/${jobId}/taps/no-such-node`)).status).toBe(404);
    expect((await api(`/jobs/${jobId}/taps/${source}?n=0`)).status).toBe(400);
    await api(`/jobs/${jobId}/cancel`, { method: 'POST' });
    await waitFor(async () => (await api(`/jobs/${jobId}`)).json(), (j) => j.status === 'cancelled');
    expect((await api(`/jobs/${jobId}/taps/${source}`)).status).toBe(409);
  });
});
