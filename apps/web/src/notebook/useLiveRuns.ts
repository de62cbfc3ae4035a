import { useEffect, useMemo, useState } from 'react';
import { isRunnable, type CellLog, type CellStatusMessage, type JobMetrics, type Notebook, type ResultAppend } from '@flowbook/protocol';
import { getSocket } from '../api/socket.js';
import { createRafBatcher } from '../util/rafBatcher.js';
import { probeLatency } from '../util/latencyProbe.js';
import { applyRunEvents, fromSaved, type CellRunView, type RunEvent } from './cellRuns.js';

/**
 * The runs of a notebook's code cells: live from the socket (queued and applied once per animation frame), else the
 * outputs saved in the file. Live and saved are kept apart so the server's replay on (re)join never doubles saved rows.
 * `setLive` lets the page record what the socket cannot tell (a run the server refused).
 */
export function useLiveRuns(name: string, notebook: Notebook | undefined) {
  const [live, setLive] = useState<Record<string, CellRunView>>({});

  useEffect(() => {
    const socket = getSocket();
    const batcher = createRafBatcher<RunEvent>((events) => {
      setLive((r) => applyRunEvents(r, events));
      probeLatency(events.flatMap((e) => (e.kind === 'append' ? [e.msg] : [])));
    });
    const mine = (m: { notebook: string }) => m.notebook === name;
    const onStatus = (msg: CellStatusMessage) => mine(msg) && batcher.push({ kind: 'status', msg });
    const onAppend = (msg: ResultAppend) => mine(msg) && batcher.push({ kind: 'append', msg });
    const onLog = (msg: CellLog) => mine(msg) && batcher.push({ kind: 'log', msg });
    const onMetrics = (msg: JobMetrics) => mine(msg) && batcher.push({ kind: 'metrics', msg });
    // On every (re)connect the server replays what it buffered: that replay replaces what the page shows.
    const join = () => {
      batcher.push({ kind: 'resync' });
      socket.emit('notebook.join', { notebook: name }, () => batcher.push({ kind: 'synced' }));
    };
    socket.on('cell.status', onStatus);
    socket.on('result.append', onAppend);
    socket.on('cell.log', onLog);
    socket.on('job.metrics', onMetrics);
    socket.on('connect', join);
    if (socket.connected) join();
    return () => {
      socket.off('cell.status', onStatus);
      socket.off('result.append', onAppend);
      socket.off('cell.log', onLog);
      socket.off('job.metrics', onMetrics);
      socket.off('connect', join);
    };
  }, [name]);

  const runs = useMemo(() => {
    const merged: Record<string, CellRunView> = {};
    for (const c of notebook?.cells ?? []) {
      const saved = isRunnable(c) ? fromSaved(c) : undefined;
      if (saved) merged[c.id] = saved;
    }
    return { ...merged, ...live };
  }, [notebook, live]);

  return { runs, setLive };
}
