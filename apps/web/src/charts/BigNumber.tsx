import type { ChartSettings, Row } from '@flowbook/protocol';
import { formatX } from './axisFormat.js';
import { formatSingle, latestValue } from './singleValue.js';

/** The single-value view: the latest value of one field, large, with its change and the time of its row. */
export function BigNumber({ rows, settings, testId, height }: { rows: Row[]; settings: ChartSettings; testId: string; height: number }) {
  const field = settings.valueField ?? settings.y[0];
  const latest = latestValue(rows, field);
  const at = settings.x !== undefined ? latest?.row[settings.x] : undefined;
  return (
    <div className="big-number" data-testid={testId} style={{ minHeight: Math.min(height, 160) }}>
      {latest === undefined ? (
        <span className="muted">{field === undefined ? 'Choose a field in the settings.' : `No value of ${field} yet.`}</span>
      ) : (
        <>
          <span className="big-number-value" data-testid={`${testId}-value`}>
            {formatSingle(latest.value)}
          </span>
          <span className="big-number-caption">
            {field}
            {latest.delta !== undefined && latest.delta !== 0 && (
              <span className={latest.delta > 0 ? 'delta-up' : 'delta-down'}>
                {latest.delta > 0 ? '▲' : '▼'} {formatSingle(Math.abs(latest.delta))}
              </span>
            )}
            {typeof at === 'number' && at > 1e11 && <span className="muted">at {formatX(true)(at)}</span>}
          </span>
        </>
      )}
    </div>
  );
}
