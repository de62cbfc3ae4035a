import type { ParamDef, ParamValue } from '@flowbook/protocol';

/** A form as Zeppelin saves it in a paragraph's `settings.forms` (and the note's `noteForms`). */
export interface ZeppelinForm {
  type?: string;
  name?: string;
  displayName?: string;
  defaultValue?: unknown;
  options?: { value?: unknown; displayName?: string }[];
  hidden?: boolean;
}

export interface ConvertedForms {
  /** The text with each form written as `${name}` (its definition moved to `params`). */
  text: string;
  params: ParamDef[];
  /** Note forms (`$${name}`): parameters of the whole notebook, which every cell reads as `params.<name>`. */
  noteParams: ParamDef[];
  /** Saved values (Zeppelin's `settings.params`) that differ from the defaults. */
  values: Record<string, ParamValue>;
  /** What did not convert as it was. */
  notes: string[];
}

// ${name}, ${name=default}, ${name=default,a|b(B)|c}, ${checkbox:name=a|b,a|b|c}, ${select(Label):name=…}; $${…} is a note form.
const FORM = /(\$?)\$\{(?:(checkbox|select|textbox|password)(?:\(([^)]*)\))?:)?([^=,}\s][^=,}]*?)(?:=([^,}]*))?(?:,([^}]*))?\}/g;

const identifier = (name: string) => {
  const id = name.trim().replace(/[^\w$]/g, '_');
  return /^[A-Za-z_$]/.test(id) ? id : `_${id}`;
};
const optionValue = (o: string) => o.trim().replace(/\(.*\)$/, '').trim();

/**
 * Zeppelin's dynamic forms in a paragraph (`${maxAge=30}`, `${marital=single,single|divorced|married}`) as Flowbook
 * parameters: a text box becomes a text or number input by its default, a select keeps its options, a checkbox (a
 * multi-select in Zeppelin, a boolean here) becomes a text input holding the chosen values joined by `|`.
 */
export function convertForms(text: string, saved: { forms?: Record<string, ZeppelinForm>; params?: Record<string, unknown> } = {}): ConvertedForms {
  const byName = new Map<string, ParamDef>();
  const noteByName = new Map<string, ParamDef>();
  const notes: string[] = [];
  const out = text.replace(FORM, (_m, noteLevel: string, kind: string | undefined, label: string | undefined, rawName: string, dflt: string | undefined, opts: string | undefined) => {
    const name = identifier(rawName);
    if (name !== rawName.trim()) notes.push(`form "${rawName.trim()}" renamed to "${name}" (parameter names are identifiers)`);
    const target = noteLevel ? noteByName : byName;
    if (!target.has(name)) target.set(name, paramOf(name, (kind ?? (opts !== undefined ? 'select' : 'textbox')).toLowerCase(), label, dflt, opts?.split('|').map(optionValue), notes));
    return '${' + name + '}';
  });
  // The structured definitions Zeppelin saved win over what the text says (they hold display names too).
  for (const [key, f] of Object.entries(saved.forms ?? {})) {
    const name = identifier(f.name ?? key);
    const options = f.options?.map((o) => String(o.value ?? '')).filter((v) => v !== '');
    const dflt = Array.isArray(f.defaultValue) ? f.defaultValue.map(String).join('|') : f.defaultValue === undefined ? undefined : String(f.defaultValue);
    const prior = byName.get(name);
    const kind = (f.type ?? '').toLowerCase();
    const def = paramOf(name, kind === 'select' ? 'select' : kind === 'checkbox' ? 'checkbox' : 'textbox', f.displayName ?? prior?.label, dflt, options && options.length > 0 ? options : prior?.options, prior ? [] : notes);
    byName.set(name, def);
  }
  const params = [...byName.values()];
  const values = savedValues(params, saved.params ?? {});
  return { text: out, params, noteParams: [...noteByName.values()], values, notes };
}

/** Zeppelin's saved form values (`settings.params`, `noteParams`) of these parameters, where they differ from the defaults. */
export function savedValues(params: ParamDef[], saved: Record<string, unknown>): Record<string, ParamValue> {
  const values: Record<string, ParamValue> = {};
  for (const [key, v] of Object.entries(saved)) {
    const def = params.find((p) => p.name === identifier(key));
    if (!def || v === null || v === undefined) continue;
    const value = Array.isArray(v) ? v.map(String).join('|') : def.type === 'number' && Number.isFinite(Number(v)) ? Number(v) : String(v);
    if (value !== def.default) values[def.name] = value;
  }
  return values;
}

function paramOf(name: string, kind: string, label: string | undefined, dflt: string | undefined, options: string[] | undefined, notes: string[]): ParamDef {
  const withLabel = label && label.trim() !== '' && label !== name ? { label: label.trim() } : {};
  if (kind === 'select' && options && options.length > 0) {
    const d = dflt !== undefined && options.includes(dflt.trim()) ? dflt.trim() : options[0]!;
    return { name, type: 'select', ...withLabel, default: d, options };
  }
  if (kind === 'checkbox') {
    notes.push(`checkbox form "${name}" became a text input of its chosen values joined by | (options: ${(options ?? []).join(', ')})`);
    return { name, type: 'text', ...withLabel, default: dflt ?? '' };
  }
  const d = (dflt ?? '').trim();
  if (d !== '' && Number.isFinite(Number(d))) return { name, type: 'number', ...withLabel, default: Number(d) };
  return { name, type: 'text', ...withLabel, default: dflt ?? '' };
}
