import type { NotebookDocClient } from './NotebookDocClient.js';

/** A color per awareness client, the same in every browser. */
export function colorOf(clientId: number): string {
  return `hsl(${(clientId * 137.508) % 360} 70% 45%)`;
}

/** A name safe inside a CSS string: no quotes, backslashes or line breaks, and short. */
const cssText = (s: string) => s.replace(/[\\"'\n\r\f<>]/g, ' ').slice(0, 40);

/**
 * Remote cursors and selections in Monaco, named by user: y-monaco marks them with classes per awareness client
 * (`yRemoteSelection-<id>`, `yRemoteSelectionHead-<id>`); this keeps one <style> giving each its color and name.
 */
export function attachCursorStyles(client: NotebookDocClient): () => void {
  const style = document.createElement('style');
  style.dataset.collabCursors = client.name;
  document.head.appendChild(style);
  const render = () => {
    // Awareness changes with every cursor move of anyone; the rules only with who is there and their names. A new
    // stylesheet makes the browser restyle the whole page (fifty editors): only when the rules differ.
    const rules: string[] = [];
    for (const [id, state] of client.awareness.getStates()) {
      if (id === client.doc.clientID) continue;
      const user = (state as { user?: { name?: string } }).user;
      const color = colorOf(id);
      rules.push(
        `.yRemoteSelection-${id}{background-color:color-mix(in srgb, ${color} 25%, transparent)}`,
        `.yRemoteSelectionHead-${id}{position:absolute;border-left:2px solid ${color};height:100%;box-sizing:border-box}`,
        `.yRemoteSelectionHead-${id}::after{content:"${cssText(user?.name ?? 'someone')}";position:absolute;top:-1.1em;left:-2px;font-size:10px;line-height:1.1em;padding:0 3px;white-space:nowrap;color:#fff;background:${color};border-radius:2px 2px 2px 0;pointer-events:none;z-index:10}`,
      );
    }
    const text = rules.join('\n');
    if (style.textContent !== text) style.textContent = text;
  };
  client.awareness.on('change', render);
  render();
  return () => {
    client.awareness.off('change', render);
    style.remove();
  };
}

/** Who this browser is, as others see it next to its cursor: the user's name, or the role. */
export async function announceUser(client: NotebookDocClient): Promise<void> {
  let name = 'someone';
  try {
    const r = await fetch('/api/whoami', { credentials: 'same-origin' });
    const me = (await r.json()) as { role: string; name?: string };
    name = me.name ?? (me.role === 'reader' ? 'viewer' : me.role);
  } catch {
    // keep the default name
  }
  client.awareness.setLocalStateField('user', { name, color: colorOf(client.doc.clientID) });
}
