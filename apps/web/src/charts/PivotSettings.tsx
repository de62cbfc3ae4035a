import type { Aggregation, ChartSettings, ResultMode } from '@flowbook/protocol';
import { AGGREGATIONS, aggOf } from './aggregate.js';

interface Props {
  /** The settings in effect (the cell's, completed from the rows). */
  settings: ChartSettings;
  fields: string[];
  numeric: Set<string>;
  onChange(s: ChartSettings): void;
  testId: string;
}

const NO_GROUPS = '\u0000none';

/**
 * Zeppelin's pivot settings with select boxes: keys (x axis), groups (series), values each with its aggregation; the
 * single-value view's field; and the live mode with its update key. Only what the chosen view uses is offered.
 */
export function PivotSettings({ settings, fields, numeric, onChange, testId }: Props) {
  const { type } = settings;
  const pivoted = type === 'line' || type === 'area' || type === 'bar' || type === 'pie' || type === 'scatter';
  // Written out in full so a value keeps its aggregation when one before it is removed.
  const aggs = settings.y.map((_, i) => aggOf(settings, i));
  const setValues = (y: string[], a: Aggregation[]) => onChange({ ...settings, y, aggs: a });
  const fieldOptions = (list: string[]) => list.map((f) => <option key={f} value={f}>{f}</option>);

  return (
    <div className="pivot-settings" data-testid={testId}>
      {pivoted && (
        <>
          <label className="pivot-group">
            <span className="pivot-label">Keys</span>
            <select aria-label="Keys" value={settings.x ?? ''} onChange={(e) => onChange({ ...settings, x: e.target.value })}>
              {settings.x === undefined && <option value="">—</option>}
              {fieldOptions(fields)}
            </select>
          </label>
          <label className="pivot-group">
            <span className="pivot-label">Groups</span>
            <select aria-label="Groups" value={typeof settings.series === 'string' ? settings.series : NO_GROUPS} onChange={(e) => onChange({ ...settings, series: e.target.value === NO_GROUPS ? null : e.target.value })}>
              <option value={NO_GROUPS}>none</option>
              {fieldOptions(fields)}
            </select>
          </label>
          <div className="pivot-group" role="group" aria-label="Values">
            <span className="pivot-label">Values</span>
            {settings.y.map((f, i) => (
              <span className="pivot-chip" key={i}>
                <select aria-label={`Value ${i + 1}`} value={f} onChange={(e) => setValues(settings.y.map((g, j) => (j === i ? e.target.value : g)), aggs)}>
                  {fieldOptions(fields.includes(f) ? fields : [f, ...fields])}
                </select>
                {/* A scatter plot draws rows as they are: there is nothing to aggregate. */}
                {type !== 'scatter' && (
                  <select aria-label={`Aggregation of ${f}`} value={aggs[i]} onChange={(e) => setValues(settings.y, aggs.map((a, j) => (j === i ? (e.target.value as Aggregation) : a)))}>
                    {AGGREGATIONS.map((a) => (
                      <option key={a} value={a}>
                        {a}
                      </option>
                    ))}
                  </select>
                )}
                <button
                  className="chip-remove"
                  aria-label={`Remove value ${f}`}
                  title="Remove"
                  // With no values left the chart would fall back to inferred ones: keep at least one.
                  disabled={settings.y.length <= 1}
                  onClick={() => setValues(settings.y.filter((_, j) => j !== i), aggs.filter((_, j) => j !== i))}
                >
                  ×
                </button>
              </span>
            ))}
            <AddSelect label="Add value" options={fields} onAdd={(f) => setValues([...settings.y, f], [...aggs, numeric.has(f) ? 'sum' : 'count'])} />
          </div>
        </>
      )}
      {type === 'number' && (
        <label className="pivot-group">
          <span className="pivot-label">Field</span>
          <select aria-label="Field" value={settings.valueField ?? settings.y[0] ?? ''} onChange={(e) => onChange({ ...settings, valueField: e.target.value })}>
            {settings.valueField === undefined && settings.y[0] === undefined && <option value="">—</option>}
            {fieldOptions(fields)}
          </select>
        </label>
      )}
      <label className="pivot-group">
        <span className="pivot-label">Mode</span>
        <select aria-label="Mode" value={settings.mode} onChange={(e) => onChange({ ...settings, mode: e.target.value as ResultMode })} title="Append: every row (windowed results). Update: the latest row per key replaces the previous one (keyed aggregates).">
          <option value="append">append</option>
          <option value="update">update</option>
        </select>
      </label>
      {settings.mode === 'update' && (
        <div className="pivot-group" role="group" aria-label="Update key">
          <span className="pivot-label">Update key</span>
          {settings.updateKey.length === 0 && <span className="muted">keys and groups</span>}
          {settings.updateKey.map((f) => (
            <span className="pivot-chip" key={f}>
              <span className="chip-text">{f}</span>
              <button className="chip-remove" aria-label={`Remove key ${f}`} title="Remove" onClick={() => onChange({ ...settings, updateKey: settings.updateKey.filter((k) => k !== f) })}>
                ×
              </button>
            </span>
          ))}
          <AddSelect label="Add update key" options={fields.filter((f) => !settings.updateKey.includes(f))} onAdd={(f) => onChange({ ...settings, updateKey: [...settings.updateKey, f] })} />
        </div>
      )}
    </div>
  );
}

/** A select that acts as an "add" button: picking a field adds it, and the select goes back to its prompt. */
function AddSelect({ label, options, onAdd }: { label: string; options: string[]; onAdd(f: string): void }) {
  return (
    <select className="add-select" aria-label={label} value="" onChange={(e) => e.target.value !== '' && onAdd(e.target.value)}>
      <option value="">+ add</option>
      {options.map((f) => (
        <option key={f} value={f}>
          {f}
        </option>
      ))}
    </select>
  );
}
