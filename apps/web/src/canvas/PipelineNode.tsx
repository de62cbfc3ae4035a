import { Handle, Position, type NodeProps } from '@xyflow/react';
import { memo } from 'react';
import { formatCount, watermarkLag } from '../jobs/format.js';
import type { PipelineFlowNode } from './toFlow.js';

/** A canvas node: name, operator, key settings; one target handle per input, red with the first issue when invalid. */
export const PipelineNode = memo(function PipelineNode({ id, data, selected }: NodeProps<PipelineFlowNode>) {
  const entry = data.entry;
  const inputs = entry?.inputs ?? 1;
  const outputs = entry?.outputs ?? 1;
  const m = data.metrics;
  const invalid = data.issues.length > 0;
  return (
    <div
      className={`pl-node pl-group-${(entry?.group ?? 'transformations').replace(/\W+/g, '-')}${inputs === 2 ? ' pl-node-two-inputs' : ''}${selected ? ' selected' : ''}${invalid ? ' pl-node-invalid' : ''}${data.backpressure ? ` pl-bp-${data.backpressure.level}` : ''}`}
      data-testid={`pl-node-${id}`}
      title={invalid ? data.issues.join('\n') : entry?.description}
    >
      {Array.from({ length: inputs }, (_, i) => (
        <Handle
          key={i}
          type="target"
          id={`in${i}`}
          position={Position.Left}
          style={inputs === 2 ? { top: i === 0 ? '32%' : '72%' } : undefined}
          data-testid={`pl-handle-${id}-in${i}`}
        >
          {inputs === 2 && <span className="pl-handle-label">{entry?.inputLabels?.[i] ?? i + 1}</span>}
        </Handle>
      ))}
      <div className="pl-node-title">{data.label}</div>
      {data.label !== (entry?.label ?? data.type) && <div className="pl-node-type">{entry?.label ?? data.type}</div>}
      {data.summary && <div className="pl-node-summary">{data.summary}</div>}
      {m && (
        <div className="pl-node-metrics" data-testid={`pl-metrics-${id}`}>
          in {formatCount(m.recordsIn)} · out {formatCount(m.recordsOut)}
          {m.watermark !== null && ` · lag ${watermarkLag(m.watermark)}`}
          {m.stateEntries > 0 && ` · state ${formatCount(m.stateEntries)}`}
          {m.deadLetters > 0 && <span className="pl-node-bad"> · {formatCount(m.deadLetters)} dead letters</span>}
          {m.lateRecordsDropped > 0 && <span className="pl-node-bad"> · {formatCount(m.lateRecordsDropped)} late dropped</span>}
          {data.backpressure && (
            <div className="pl-node-bp" data-testid={`pl-bp-${id}`} title="A job runs on one thread: when it is busy nearly all the time, its sources are held back (backpressure)">
              backpressure {data.backpressure.level} · busy {Math.round(data.backpressure.busy * 100)}%
            </div>
          )}
        </div>
      )}
      {invalid && (
        <div className="pl-node-issue" data-testid={`pl-node-issue-${id}`}>
          {data.issues[0]}
          {data.issues.length > 1 && ` (+${data.issues.length - 1})`}
        </div>
      )}
      {outputs > 0 && <Handle type="source" id="out" position={Position.Right} data-testid={`pl-handle-${id}-out`} />}
    </div>
  );
});
