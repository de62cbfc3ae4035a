import { describe, expect, it } from 'vitest';
import { useTestServer } from '../testing.js';

const server = useTestServer();
const headers = { authorization: 'token test-token', 'content-type': 'application/json' };
const api = (p: string, init: RequestInit = {}) => fetch(`${server.origin}/api/v1${p}`, { ...init, headers });

describe('the "IoT sensors" sample notebook', () => {
  it('plays simulated sensors into Mosquitto and charts per-sensor sliding-window averages read back over MQTT with event time', async () => {
    const run = async (cellId: string) => (await (await api('/jobs', { method: 'POST', body: JSON.stringify({ notebook: 'iot-sensors', cellId }) })).json()).jobId as string;
    // The reader first, so it sees the first readings.
    const averages = await run('averages');
    await new Promise((r) => setTimeout(r, 500));
    const sensors = await run('sensors');
    const end = Date.now() + 30_000;
    let rows: Record<string, unknown>[] = [];
    while (Date.now() < end) {
      const status = (await (await api(`/jobs/${averages}`)).json()).status;
      expect(status).toBe('running');
      rows = server.jobs.byId(averages)!.results.get('averages')?.rows ?? [];
      if (new Set(rows.map((r) => r.sensorId)).size === 6) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    // A point per sensor and 30 s window every 5 s, averages of plausible temperatures.
    expect(new Set(rows.map((r) => r.sensorId)).size).toBe(6);
    for (const r of rows) {
      expect((r.windowEnd as number) % 5000).toBe(0);
      expect(r.avgTemperature as number).toBeGreaterThan(-30);
      expect(r.avgTemperature as number).toBeLessThan(50);
      expect(r.readings as number).toBeGreaterThan(0);
    }
    await api(`/jobs/${sensors}/cancel`, { method: 'POST' });
    await api(`/jobs/${averages}/cancel`, { method: 'POST' });
  }, 40_000);
});
