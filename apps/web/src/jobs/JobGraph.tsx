import { Background, Handle, Position, ReactFlow, type Edge, type Node, type NodeChange, type NodeProps } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { memo, useMemo, useState } from 'react';
import { backpressureLevel, type OperatorMetrics } from '@flowbook/protocol';
import { formatCount, watermarkLag } from './format.js';
import { layoutGraph, type GraphJson } from './graphLayout.js';

type OpData = { label: string; type: string; metrics?: OperatorMetrics; backpressure?: 'ok' | 'low' | 'high'; busy?: number };

/** One operator: its name and type, and live records in/out, watermark lag and state size. */
const OperatorNode = memo(function OperatorNode({ data }: NodeProps<Node<OpData>>) {
  const m = data.metrics;
  return (
    <div className={`op-node op-${data.type}${data.backpressure ? ` pl-bp-${data.backpressure}` : ''}`} data-testid={`op-node-${data.label}`}>
      <Handle type="target" position={Position.Left} />
      <div className="op-title">{data.label}</div>
      <div className="op-type">
        {data.type}
        {m?.parallelism !== undefined && <span title="parallel subtasks"> ×{m.parallelism}</span>}
      </div>
      {m && (
        <div className="op-metrics">
          in {formatCount(m.recordsIn)} · out {formatCount(m.recordsOut)}
          {m.stateEntries > 0 && ` · state ${formatCount(m.stateEntries)}`}
          {m.watermark !== null && ` · lag ${watermarkLag(m.watermark)}`}
          {m.deadLetters > 0 && <span className="op-dead"> · {formatCount(m.deadLetters)} dead letters</span>}
          {m.lateRecordsDropped > 0 && <span className="op-dead"> · {formatCount(m.lateRecordsDropped)} late dropped</span>}
          {data.backpressure && (
            <div className="pl-node-bp" title="A job runs on one thread: when it is busy nearly all the time, its sources are held back (backpressure)">
              backpressure {data.backpressure} · busy {Math.round((data.busy ?? 0) * 100)}%
            </div>
          )}
        </div>
      )}
      <Handle type="source" position={Position.Right} />
    </div>
  );
});

const nodeTypes = { operator: OperatorNode };

/** The job's pipeline as a read-only React Flow graph with live per-operator metrics (refreshed with the job). */
export function JobGraph({ graph, operators, onNodeClick, busy }: { graph: GraphJson; operators: OperatorMetrics[]; onNodeClick?(nodeId: string, label: string): void; busy?: number }) {
  const level = backpressureLevel(busy);
  const layout = useMemo(() => layoutGraph(graph, operators), [graph, operators]);
  // React Flow hides a node until it has been measured, and forgets the measurement when it is handed a fresh node
  // object; the metrics refresh every second, so the sizes it reports are kept and passed back with every node.
  const [measured, setMeasured] = useState<ReadonlyMap<string, { width: number; height: number }>>(new Map());
  const nodes: Node<OpData>[] = layout.nodes.map((n) => {
    const size = measured.get(n.id);
    return {
      id: n.id,
      type: 'operator',
      position: { x: n.x, y: n.y },
      data: { label: n.label, type: n.type, ...(n.metrics ? { metrics: n.metrics } : {}), ...(level && n.type === 'source' ? { backpressure: level, busy: busy! } : {}) },
      draggable: false,
      ...(size ? { measured: size } : {}),
    };
  });
  const onNodesChange = (changes: NodeChange[]) => {
    const sizes = changes.filter((c) => c.type === 'dimensions' && c.dimensions);
    if (sizes.length === 0) return;
    setMeasured((prev) => {
      const next = new Map(prev);
      for (const c of sizes) if (c.type === 'dimensions' && c.dimensions) next.set(c.id, c.dimensions);
      return next;
    });
  };
  const edges: Edge[] = layout.edges.map((e) => ({ ...e, animated: true }));
  return (
    <div className="job-graph" data-testid="job-graph">
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        onNodesChange={onNodesChange}
        fitView
        nodesConnectable={false}
        elementsSelectable={false}
        proOptions={{ hideAttribution: true }}
        {...(onNodeClick ? { onNodeClick: (_e: unknown, n: Node<OpData>) => onNodeClick(n.id, n.data.label) } : {})}
      >
        <Background />
      </ReactFlow>
    </div>
  );
}
