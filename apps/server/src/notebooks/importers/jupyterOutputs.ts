import { stripVTControlCharacters } from 'node:util';
import type { StaticOutput } from '@flowbook/protocol';
import { joined, type Ipynb4Output } from './upgradeNbformat3.js';

/**
 * A code cell's Jupyter outputs as static outputs. A rich output keeps its best form here: an image (PNG, JPEG, GIF),
 * else HTML or SVG (sanitized where shown), else plain text. Streams are text, errors keep their traceback.
 */
export function jupyterOutputs(outputs: Ipynb4Output[] | undefined, dropped: (what: string) => void): StaticOutput[] {
  const out: StaticOutput[] = [];
  for (const o of outputs ?? []) {
    if (o.output_type === 'stream') {
      const text = stripVTControlCharacters(joined(o.text));
      if (text !== '') out.push({ kind: 'text', text });
    } else if (o.output_type === 'error') {
      // IPython colours tracebacks for a terminal.
      const traceback = stripVTControlCharacters((o.traceback ?? []).join('\n'));
      out.push({ kind: 'error', name: o.ename ?? 'Error', message: o.evalue ?? '', ...(traceback ? { traceback } : {}) });
    } else if (o.output_type === 'execute_result' || o.output_type === 'display_data') {
      const data = o.data ?? {};
      const text = (mime: string) => joined(data[mime] as string | string[] | undefined);
      const image = (['image/png', 'image/jpeg', 'image/gif'] as const).find((m) => typeof data[m] === 'string' || Array.isArray(data[m]));
      if (image) out.push({ kind: 'image', mime: image, data: text(image).replace(/\s+/g, '') });
      else if (text('text/html') !== '') out.push({ kind: 'html', html: text('text/html') });
      else if (text('image/svg+xml') !== '') out.push({ kind: 'html', html: text('image/svg+xml') });
      else if (text('text/plain') !== '') out.push({ kind: 'text', text: text('text/plain') });
      else if (Object.keys(data).length > 0) dropped(`an output of ${Object.keys(data).join(', ')} (no form shown here)`);
    } else if (o.output_type) dropped(`an output of type ${o.output_type}`);
  }
  return out;
}
