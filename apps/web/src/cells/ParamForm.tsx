import { useEffect, useState } from 'react';
import type { ParamDef, ParamValue } from '@flowbook/protocol';
import { defaultFor } from './paramDefaults.js';

type Kind = ParamDef['type'];
const KINDS: Kind[] = ['text', 'number', 'select', 'checkbox', 'date'];


/** One input; text and number commit on Enter or blur (so typing does not re-run a job at every key), the others at once. */
function ParamInput({ def, value, disabled, onCommit, testId }: { def: ParamDef; value: ParamValue; disabled: boolean; onCommit(v: ParamValue): void; testId: string }) {
  const [draft, setDraft] = useState(String(value));
  useEffect(() => setDraft(String(value)), [value]);
  const commitDraft = () => {
    const v = def.type === 'number' ? Number(draft) : draft;
    if (def.type === 'number' && !Number.isFinite(v)) return setDraft(String(value));
    if (v !== value) onCommit(v);
  };
  switch (def.type) {
    case 'checkbox':
      return <input type="checkbox" checked={value === true} disabled={disabled} onChange={(e) => onCommit(e.target.checked)} data-testid={testId} />;
    case 'select':
      return (
        <select value={String(value)} disabled={disabled} onChange={(e) => onCommit(e.target.value)} data-testid={testId}>
          {(def.options ?? []).map((o) => (
            <option key={o}>{o}</option>
          ))}
        </select>
      );
    case 'date':
      return <input type="date" value={String(value)} disabled={disabled} onChange={(e) => onCommit(e.target.value)} data-testid={testId} />;
    default:
      return (
        <input
          type={def.type === 'number' ? 'number' : 'text'}
          value={draft}
          disabled={disabled}
          onChange={(e) => setDraft(e.target.value)}
          onBlur={commitDraft}
          onKeyDown={(e) => e.key === 'Enter' && commitDraft()}
          data-testid={testId}
        />
      );
  }
}

/** Editing the form itself: name, kind, default and choices of each parameter. */
function ParamEditor({ defs, onDefs, scope }: { defs: ParamDef[]; onDefs(defs: ParamDef[]): void; scope: string }) {
  const [name, setName] = useState('');
  const [kind, setKind] = useState<Kind>('text');
  const [options, setOptions] = useState('');
  const [typedDefault, setTypedDefault] = useState('');
  const valid = /^[A-Za-z_$][\w$]*$/.test(name) && !defs.some((d) => d.name === name);
  const add = () => {
    if (!valid) return;
    const opts = kind === 'select' ? options.split(',').map((o) => o.trim()).filter(Boolean) : undefined;
    onDefs([...defs, { name, type: kind, default: defaultFor(kind, typedDefault, opts), ...(opts ? { options: opts } : {}) }]);
    setName('');
    setOptions('');
    setTypedDefault('');
  };
  return (
    <div className="param-editor" data-testid={`param-editor-${scope}`}>
      {defs.map((d) => (
        <span key={d.name} className="param-chip">
          <code>params.{d.name}</code> {d.type}
          <button className="icon-button danger" title={`Remove ${d.name}`} onClick={() => onDefs(defs.filter((x) => x !== d))}>
            ×
          </button>
        </span>
      ))}
      <input placeholder="name" value={name} onChange={(e) => setName(e.target.value)} onKeyDown={(e) => e.key === 'Enter' && add()} data-testid={`param-name-${scope}`} />
      <select value={kind} onChange={(e) => setKind(e.target.value as Kind)} data-testid={`param-kind-${scope}`}>
        {KINDS.map((k) => (
          <option key={k}>{k}</option>
        ))}
      </select>
      {(kind === 'text' || kind === 'number') && (
        <input
          placeholder={kind === 'number' ? 'default (1)' : 'default'}
          inputMode={kind === 'number' ? 'decimal' : undefined}
          value={typedDefault}
          onChange={(e) => setTypedDefault(e.target.value)}
          onKeyDown={(e) => e.key === 'Enter' && add()}
          aria-label="Default value"
          data-testid={`param-default-${scope}`}
        />
      )}
      {kind === 'select' && <input placeholder="choices, comma separated" value={options} onChange={(e) => setOptions(e.target.value)} data-testid={`param-options-${scope}`} />}
      <button disabled={!valid} onClick={add} data-testid={`param-add-${scope}`}>
        Add parameter
      </button>
    </div>
  );
}

/**
 * Dynamic forms (Zeppelin's): inputs above a cell or the notebook, read by the code as `params.<name>`. Changing a
 * value re-runs what uses it (the page decides); writers can add and remove parameters.
 */
export function ParamForm({
  scope,
  defs,
  values,
  canChange,
  canEdit,
  onValue,
  onDefs,
  editing: controlled,
  onEditing,
}: {
  scope: string;
  defs: ParamDef[];
  values: Record<string, ParamValue>;
  canChange: boolean;
  canEdit: boolean;
  onValue(name: string, value: ParamValue): void;
  onDefs(defs: ParamDef[]): void;
  /** Controlled editing (a cell's toolbar opens it); otherwise the form has its own toggle button. */
  editing?: boolean;
  onEditing?(editing: boolean): void;
}) {
  const [own, setOwn] = useState(false);
  const editing = controlled ?? own;
  const setEditing = (f: (e: boolean) => boolean) => (onEditing ? onEditing(f(editing)) : setOwn(f));
  // Nothing to show: no inputs and not editing. (A form that appears only on selection would move the Run button
  // under the pointer between mousedown and click.)
  if (defs.length === 0 && !(canEdit && (editing || controlled === undefined))) return null;
  return (
    <div className="param-form" data-testid={`params-${scope}`}>
      {defs.map((d) => (
        <label key={d.name} className="param">
          <span>{d.label ?? d.name}</span>
          <ParamInput def={d} value={d.name in values ? values[d.name]! : d.default} disabled={!canChange} onCommit={(v) => onValue(d.name, v)} testId={`param-${scope}-${d.name}`} />
        </label>
      ))}
      {canEdit && (controlled === undefined || editing) && (
        <button className="icon-button param-toggle" onClick={() => setEditing((e) => !e)} data-testid={controlled === undefined ? `param-edit-${scope}` : `param-done-${scope}`} title="Add or remove form inputs">
          {editing ? 'Done' : defs.length === 0 ? '+ form input' : 'Edit form'}
        </button>
      )}
      {editing && <ParamEditor defs={defs} onDefs={onDefs} scope={scope} />}
    </div>
  );
}
