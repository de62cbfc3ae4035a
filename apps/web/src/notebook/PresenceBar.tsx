import { useEffect, useState } from 'react';
import type { PresenceList } from '@flowbook/protocol';
import { getSocket } from '../api/socket.js';

/**
 * Who else has this notebook open, and on which cell. The cell this browser works in is reported whenever focus moves
 * into another cell (no coupling to the page's selection logic).
 */
export function PresenceBar({ notebook }: { notebook: string }) {
  const [viewers, setViewers] = useState<PresenceList['viewers']>([]);
  useEffect(() => {
    const socket = getSocket();
    const onPresence = (m: PresenceList) => {
      if (m.notebook === notebook) setViewers(m.viewers);
    };
    let lastCell: string | undefined;
    const onFocus = (e: FocusEvent) => {
      const section = (e.target as HTMLElement | null)?.closest?.('section[id^="cell-"]');
      const cellId = section?.id.slice('cell-'.length);
      if (cellId && cellId !== lastCell) {
        lastCell = cellId;
        socket.emit('presence.update', { notebook, cellId });
      }
    };
    socket.on('presence', onPresence);
    document.addEventListener('focusin', onFocus);
    return () => {
      socket.off('presence', onPresence);
      document.removeEventListener('focusin', onFocus);
    };
  }, [notebook]);
  const me = getSocket().id;
  const others = viewers.filter((v) => v.id !== me);
  if (others.length === 0) return null;
  return (
    <span className="presence" data-testid="presence">
      {others.map((v) => (
        <span key={v.id} className="presence-viewer" title={`${v.name}${v.cellId ? ` — on cell ${v.cellId}` : ''}`}>
          {v.name.slice(0, 1).toUpperCase()}
          {v.cellId && <span className="presence-cell">{v.cellId}</span>}
        </span>
      ))}
    </span>
  );
}
