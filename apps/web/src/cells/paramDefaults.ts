import type { ParamDef, ParamValue } from '@flowbook/protocol';

type Kind = ParamDef['type'];

/**
 * A new parameter's first value: what the writer typed in "default" when it fits the kind, else one that runs. A number
 * starts at 1 rather than 0 (a rate, limit or threshold of 0 makes a cell show nothing); a select at its first choice;
 * a date at today.
 */
export function defaultFor(kind: Kind, typed = '', options?: string[]): ParamValue {
  const t = typed.trim();
  switch (kind) {
    case 'number':
      return t !== '' && Number.isFinite(Number(t)) ? Number(t) : 1;
    case 'checkbox':
      return t === 'true';
    case 'select':
      return options?.includes(t) ? t : (options?.[0] ?? '');
    case 'date':
      return /^\d{4}-\d{2}-\d{2}$/.test(t) ? t : new Date().toISOString().slice(0, 10);
    default:
      return t;
  }
}
