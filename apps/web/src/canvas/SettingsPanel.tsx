import { catalogEntryFor, type Catalog, type GraphEdge, type GraphNode, type PipelineGraph } from './engine.js';
import { FnEditor } from './FnEditor.js';
import { edgeKey } from './graphOps.js';
import { SchemaForm } from './SchemaForm.js';

interface Props {
  graph: PipelineGraph;
  catalog: Catalog;
  nodeIds: ReadonlySet<string>;
  edgeKeys: ReadonlySet<string>;
  issues: ReadonlyMap<string, string[]>;
  readOnly: boolean;
  /** `field` groups typing into one undo step. */
  onNode(id: string, patch: Partial<Pick<GraphNode, 'name' | 'config' | 'parallelism'>>, field: string): void;
  onEdge(key: string, patch: Partial<GraphEdge>, field: string): void;
}

/** Settings of the selected node (its name and a form from its JSON Schema) or of the selected edge (keyBy, side output). */
export function SettingsPanel({ graph, catalog, nodeIds, edgeKeys, issues, readOnly, onNode, onEdge }: Props) {
  const count = nodeIds.size + edgeKeys.size;
  if (count === 0) {
    return (
      <aside className="pl-settings" data-testid="pl-settings">
        <p className="muted">Select a node or an edge to edit its settings. Drag operators from the palette; connect an output (right) to an input (left).</p>
      </aside>
    );
  }
  if (count > 1) {
    return (
      <aside className="pl-settings" data-testid="pl-settings">
        <p className="muted">
          {nodeIds.size} nodes and {edgeKeys.size} edges selected. Delete removes them; Ctrl+C copies the nodes.
        </p>
      </aside>
    );
  }
  const node = graph.nodes.find((n) => nodeIds.has(n.id));
  if (node) return <NodeSettings key={node.id} node={node} catalog={catalog} issues={issues.get(node.id) ?? []} readOnly={readOnly} onNode={onNode} />;
  const edge = graph.edges.find((e) => edgeKeys.has(edgeKey(e)));
  // Keyed without the side output, which the user may be typing: the panel must not remount under the cursor.
  if (edge) return <EdgeSettings key={`${edge.source}->${edge.target}:${edge.targetInput}`} graph={graph} edge={edge} catalog={catalog} readOnly={readOnly} onEdge={onEdge} />;
  return <aside className="pl-settings" data-testid="pl-settings" />;
}

function NodeSettings({ node, catalog, issues, readOnly, onNode }: { node: GraphNode; catalog: Catalog; issues: string[]; readOnly: boolean; onNode: Props['onNode'] }) {
  const entry = catalogEntryFor(catalog, node);
  return (
    <aside className="pl-settings" data-testid="pl-settings">
      <h3>{entry?.label ?? node.type}</h3>
      <p className="muted">{entry?.description ?? `No catalog entry for node type "${node.type}".`}</p>
      <label className="pl-field">
        <span className="pl-label">Name</span>
        <input type="text" value={node.name ?? ''} placeholder={entry?.label} disabled={readOnly} onChange={(e) => onNode(node.id, { name: e.target.value }, 'name')} data-testid="field-name" />
      </label>
      {node.type !== 'source' && node.type !== 'sink' && (
        <label className="pl-field" title="Parallel subtasks of this operator; keyed state is split between them by key group. Empty: the job's parallelism.">
          <span className="pl-label">Parallelism</span>
          <input
            type="number"
            min={1}
            step={1}
            value={node.parallelism ?? ''}
            placeholder="job default"
            disabled={readOnly}
            onChange={(e) => {
              const n = e.target.valueAsNumber;
              onNode(node.id, { parallelism: Number.isInteger(n) && n >= 1 ? n : undefined }, 'parallelism');
            }}
            data-testid="field-parallelism"
          />
        </label>
      )}
      {issues.length > 0 && (
        <ul className="pl-issues-inline" data-testid="pl-settings-issues">
          {issues.map((m, i) => (
            <li key={i}>{m}</li>
          ))}
        </ul>
      )}
      {entry && (
        <SchemaForm
          schema={entry.configSchema}
          value={node.config}
          readOnly={readOnly}
          scope={node.id}
          // The connector is the palette item's.
          hidden={['connector']}
          onChange={(config, field) => onNode(node.id, { config }, `config.${field}`)}
        />
      )}
    </aside>
  );
}

/** Side outputs the source node declares (late data of windows and joins); process functions may use any tag. */
function declaredTags(node: GraphNode | undefined): string[] {
  const c = (node?.config ?? {}) as Record<string, unknown>;
  return ['lateDataOutputTag', 'leftLateDataOutputTag', 'rightLateDataOutputTag'].map((k) => c[k]).filter((t): t is string => typeof t === 'string' && t !== '');
}

function EdgeSettings({ graph, edge, catalog, readOnly, onEdge }: { graph: PipelineGraph; edge: GraphEdge; catalog: Catalog; readOnly: boolean; onEdge: Props['onEdge'] }) {
  const key = edgeKey(edge);
  const source = graph.nodes.find((n) => n.id === edge.source);
  const target = graph.nodes.find((n) => n.id === edge.target);
  const targetEntry = target ? catalogEntryFor(catalog, target) : undefined;
  const keyedTarget = targetEntry?.keyed !== false;
  const tags = declaredTags(source);
  return (
    <aside className="pl-settings" data-testid="pl-settings">
      <h3>Connection</h3>
      <p className="muted">
        {source?.name ?? edge.source} → {target?.name ?? edge.target}
        {targetEntry?.inputs === 2 ? ` (${targetEntry.inputLabels?.[edge.targetInput] ?? `input ${edge.targetInput + 1}`})` : ''}
      </p>
      <label className="pl-field">
        <span className="pl-label">Partitioning</span>
        <select
          value={edge.partitioning}
          disabled={readOnly}
          data-testid="field-partitioning"
          onChange={(e) =>
            onEdge(key, e.target.value === 'hash' ? { partitioning: 'hash', keySelector: edge.keySelector ?? { code: '(value) => value' } } : { partitioning: e.target.value as GraphEdge['partitioning'] }, 'partitioning')
          }
        >
          <option value="forward">forward</option>
          {(keyedTarget || edge.partitioning === 'hash') && <option value="hash">keyBy</option>}
          {edge.partitioning !== 'forward' && edge.partitioning !== 'hash' && <option value={edge.partitioning}>{edge.partitioning}</option>}
        </select>
      </label>
      {edge.partitioning === 'hash' && (
        <div className="pl-field pl-field-fn">
          <span className="pl-label">Key selector</span>
          <FnEditor value={edge.keySelector?.code ?? ''} onChange={(code) => onEdge(key, { keySelector: { code } }, 'keySelector')} readOnly={readOnly} path={`edge-${key.replace(/\W+/g, '_')}`} testId="field-keySelector" />
        </div>
      )}
      <label className="pl-field">
        <span className="pl-label">Side output</span>
        <input
          type="text"
          list={`pl-tags-${edge.source}`}
          value={edge.sideOutput ?? ''}
          placeholder="main output"
          disabled={readOnly}
          data-testid="field-sideOutput"
          onChange={(e) => onEdge(key, { sideOutput: e.target.value }, 'sideOutput')}
        />
        <datalist id={`pl-tags-${edge.source}`}>
          {tags.map((t) => (
            <option key={t} value={t} />
          ))}
        </datalist>
      </label>
    </aside>
  );
}
