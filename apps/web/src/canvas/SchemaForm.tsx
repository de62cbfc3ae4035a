import { useEffect, useState } from 'react';
import { humanize, type JsonSchema } from './engine.js';
import { FnEditor } from './FnEditor.js';
import { branchOf, defaultFor, discriminatorOf, formatDuration, setAt, switchBranch, widgetOf, type Path } from './schemaForm.js';

interface Props {
  schema: JsonSchema;
  value: Record<string, unknown>;
  /** The new value and the dotted path of the field that changed (edits of one field group into one undo step). */
  onChange(value: Record<string, unknown>, field: string): void;
  readOnly: boolean;
  /** Top-level fields not to show (derived by the canvas). */
  hidden?: string[];
  /** Distinguishes editors of different nodes (Monaco models, test ids). */
  scope: string;
}

/** A settings form generated from a node's JSON Schema. */
export function SchemaForm({ schema, value, onChange, readOnly, hidden = [], scope }: Props) {
  const set = (path: Path, v: unknown) => onChange(setAt(value, path, v) as Record<string, unknown>, path.join('.'));
  return (
    <div className="pl-form">
      <Properties schema={schema} value={value} path={[]} set={set} readOnly={readOnly} hidden={hidden} scope={scope} />
    </div>
  );
}

/** Field names that read badly humanized. */
const LABELS: Record<string, string> = { fn: 'Function', config: 'Connector settings' };

interface FieldCtx {
  path: Path;
  set(path: Path, v: unknown): void;
  readOnly: boolean;
  scope: string;
}

function Properties({ schema, value, hidden = [], ...ctx }: FieldCtx & { schema: JsonSchema; value: unknown; hidden?: string[] }) {
  const obj = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  return (
    <>
      {Object.entries(schema.properties ?? {})
        .filter(([name, s]) => !hidden.includes(name) && widgetOf(s) !== 'const')
        .map(([name, s]) => (
          <Field key={name} name={name} schema={s} value={obj[name]} required={schema.required?.includes(name) ?? false} {...ctx} path={[...ctx.path, name]} />
        ))}
    </>
  );
}

function Field({ name, schema, value, required, ...ctx }: FieldCtx & { name: string; schema: JsonSchema; value: unknown; required: boolean }) {
  const widget = widgetOf(schema);
  const id = `${ctx.scope}-${ctx.path.join('.')}`;
  const testId = `field-${ctx.path.join('.')}`;
  const label = LABELS[name] ?? humanize(name);
  const set = (v: unknown) => ctx.set(ctx.path, v);
  // Optional groups (a trigger, a timestamp assigner) are switched on and off as a whole.
  const toggleable = !required && (widget === 'object' || widget === 'union' || widget === 'fn');
  if (toggleable && value === undefined) {
    return (
      <label className="pl-field pl-toggle" title={schema.description}>
        <input type="checkbox" checked={false} disabled={ctx.readOnly} onChange={() => set(defaultFor(schema))} data-testid={`${testId}-enabled`} />
        {label}
      </label>
    );
  }
  const toggle = toggleable && (
    <input type="checkbox" checked disabled={ctx.readOnly} onChange={() => set(undefined)} data-testid={`${testId}-enabled`} title={`Remove ${label.toLowerCase()}`} />
  );
  switch (widget) {
    case 'object':
      return (
        <fieldset className="pl-group">
          <legend>
            {toggle}
            {label}
          </legend>
          <Properties schema={schema} value={value} {...ctx} />
        </fieldset>
      );
    case 'union': {
      const d = discriminatorOf(schema)!;
      const branch = branchOf(schema, value);
      return (
        <fieldset className="pl-group">
          <legend>
            {toggle}
            {label}
          </legend>
          <select
            value={String((value as Record<string, unknown> | undefined)?.[d] ?? '')}
            disabled={ctx.readOnly}
            data-testid={`${testId}.${d}`}
            onChange={(e) => set(switchTo(schema, value, e.target.value))}
          >
            {!branch && <option value="">—</option>}
            {schema.oneOf!.map((b) => {
              const k = String(b.properties![d]!.const);
              return (
                <option key={k} value={k}>
                  {humanize(k)}
                </option>
              );
            })}
          </select>
          {branch && <Properties schema={branch} value={value} {...ctx} hidden={[d]} />}
        </fieldset>
      );
    }
    case 'fn':
      return (
        <div className="pl-field pl-field-fn">
          <span className="pl-label">
            {toggle}
            {label}
          </span>
          <FnEditor value={(value as { code?: string } | undefined)?.code ?? ''} onChange={(code) => set({ code })} readOnly={ctx.readOnly} path={id} testId={testId} />
        </div>
      );
    case 'boolean':
      return (
        <label className="pl-field pl-toggle" title={schema.description}>
          <input type="checkbox" id={id} checked={value === true} disabled={ctx.readOnly} onChange={(e) => set(e.target.checked)} data-testid={testId} />
          {label}
        </label>
      );
    case 'enum':
      return (
        <label className="pl-field" title={schema.description}>
          <span className="pl-label">{label}</span>
          <select value={value === undefined ? '' : String(value)} disabled={ctx.readOnly} onChange={(e) => set(e.target.value === '' ? undefined : schema.enum!.find((x) => String(x) === e.target.value))} data-testid={testId}>
            {(!required || value === undefined) && <option value="">{required ? '—' : 'default'}</option>}
            {schema.enum!.map((x) => (
              <option key={String(x)} value={String(x)}>
                {String(x)}
              </option>
            ))}
          </select>
        </label>
      );
    case 'number':
    case 'duration':
      return (
        <label className="pl-field" title={schema.description}>
          <span className="pl-label">{label}</span>
          <span className="pl-number">
            <input
              type="number"
              value={typeof value === 'number' ? value : ''}
              placeholder={schema.default !== undefined ? String(schema.default) : required ? 'required' : ''}
              step={schema.type === 'integer' ? 1 : 'any'}
              disabled={ctx.readOnly}
              onChange={(e) => set(e.target.value === '' ? undefined : Number(e.target.value))}
              data-testid={testId}
            />
            {widget === 'duration' && <span className="pl-unit">ms</span>}
          </span>
          {widget === 'duration' && typeof value === 'number' && Math.abs(value) >= 1000 && <span className="pl-hint">{formatDuration(value)}</span>}
        </label>
      );
    case 'string':
      return (
        <label className="pl-field" title={schema.description}>
          <span className="pl-label">{label}</span>
          <input
            type="text"
            value={typeof value === 'string' ? value : ''}
            placeholder={schema.default !== undefined ? JSON.stringify(schema.default) : required ? 'required' : ''}
            disabled={ctx.readOnly}
            onChange={(e) => set(e.target.value === '' && !required ? undefined : e.target.value)}
            data-testid={testId}
          />
        </label>
      );
    default:
      return <JsonField label={label} value={value} set={set} readOnly={ctx.readOnly} testId={testId} description={schema.description} />;
  }
}

/** The select gives the discriminator as text; switch to the branch whose constant reads the same. */
function switchTo(schema: JsonSchema, value: unknown, kind: string): unknown {
  const d = discriminatorOf(schema)!;
  const b = schema.oneOf!.find((x) => String(x.properties![d]!.const) === kind);
  return b ? switchBranch(schema, value, b.properties![d]!.const) : value;
}

/** Lists and free-form values as JSON text, parsed when the field loses focus. */
function JsonField({ label, value, set, readOnly, testId, description }: { label: string; value: unknown; set(v: unknown): void; readOnly: boolean; testId: string; description?: string }) {
  const text = value === undefined ? '' : JSON.stringify(value, null, 1).replace(/\n\s*/g, ' ');
  const [draft, setDraft] = useState(text);
  const [error, setError] = useState<string>();
  useEffect(() => setDraft(text), [text]);
  return (
    <label className="pl-field" title={description}>
      <span className="pl-label">{label} (JSON)</span>
      <textarea
        value={draft}
        rows={2}
        disabled={readOnly}
        data-testid={testId}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={() => {
          if (draft.trim() === '') return (setError(undefined), set(undefined));
          try {
            set(JSON.parse(draft));
            setError(undefined);
          } catch (e) {
            setError((e as Error).message);
          }
        }}
      />
      {error && <span className="pl-field-error">{error}</span>}
    </label>
  );
}
