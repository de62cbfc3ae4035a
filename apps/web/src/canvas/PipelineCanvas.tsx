import {
  Background,
  MiniMap,
  ReactFlow,
  ReactFlowProvider,
  useReactFlow,
  type Connection as FlowConnection,
  type EdgeChange,
  type IsValidConnection,
  type NodeChange,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useCallback, useEffect, useMemo, useRef, useState, type DragEvent } from 'react';
import type { OperatorMetrics } from '@flowbook/protocol';
import './canvas.css';
import { CodeView } from './CodeView.js';
import { catalog as builtinCatalog, catalogEntryFor, type Catalog, type CatalogEntry, type GraphEdge, type GraphNode, type PipelineGraph, type PipelineGraphInput } from './engine.js';
import {
  addNode,
  connect,
  connectionProblem,
  edgeKey,
  edgeToKey,
  keyEdge,
  normalizeGraph,
  removeElements,
  setPositions,
  updateEdge,
  updateNode,
  type XY,
} from './graphOps.js';
import { DRAG_TYPE, Palette } from './Palette.js';
import { PipelineNode } from './PipelineNode.js';
import { useGraphHistory, type SharedGraph } from './useGraphHistory.js';
import { SettingsPanel } from './SettingsPanel.js';
import type { CanvasAction } from './shortcuts.js';
import { useCanvasClipboard } from './useCanvasClipboard.js';
import { useCanvasKeys } from './useCanvasKeys.js';
import { layoutPositions, toFlowEdges, toFlowNodes } from './toFlow.js';
import { validatePipeline } from './validation.js';

export interface PipelineCanvasProps {
  graph: PipelineGraphInput;
  onChange(graph: PipelineGraph): void;
  readOnly?: boolean;
  /** Live per-operator metrics of the running job, by node id; drawn on the nodes, never part of the graph. */
  metrics?: readonly OperatorMetrics[];
  /** Shows Deploy, enabled while the graph validates. */
  onDeploy?(graph: PipelineGraph): void;
  /** Shows Stop (while a deployed job runs). */
  onStop?(): void;
  /** Defaults to the engine's built-in catalog. */
  catalog?: Catalog;
  /** The one selected node (or undefined): a running pipeline cell opens its data tap. */
  onSelectNode?(nodeId: string | undefined): void;
  /** Records per second leaving each node, drawn on its outgoing edges while a job runs. */
  edgeRates?: ReadonlyMap<string, number>;
  /** The running job's busy share (0–1): sources show their backpressure from it. */
  busy?: number;
  /** The graph is a pipeline cell's in the notebook's shared document: undo undoes this browser's changes only. */
  shared?: SharedGraph;
}

const nodeTypes = { pipeline: PipelineNode };
/** Below this zoom node text is too small to read (12 px × 0.75 = 9 px): fitting a large pipeline stops here and scrolls. */
const MIN_READABLE_ZOOM = 0.75;
const FIT = { padding: 0.15, maxZoom: 1, minZoom: MIN_READABLE_ZOOM, duration: 250 };
/** About half a node: a dropped node is centred on the cursor. */
const DROP_OFFSET: XY = { x: 100, y: 36 };

interface Selection {
  nodes: ReadonlySet<string>;
  edges: ReadonlySet<string>;
}
const NOTHING: Selection = { nodes: new Set(), edges: new Set() };

/** The editable pipeline canvas over the engine's PipelineGraph (drag, connect, edit, validate, deploy). */
export function PipelineCanvas(props: PipelineCanvasProps) {
  return (
    <ReactFlowProvider>
      <CanvasInner {...props} />
    </ReactFlowProvider>
  );
}

function CanvasInner({ graph: input, onChange, readOnly = false, metrics, onDeploy, onStop, catalog = builtinCatalog, onSelectNode, edgeRates, busy, shared }: PipelineCanvasProps) {
  const graph = useMemo(() => normalizeGraph(input), [input]);
  const rf = useReactFlow();
  const wrapper = useRef<HTMLDivElement>(null);
  const flowArea = useRef<HTMLDivElement>(null);
  const { current, canUndo, canRedo, commit, move, step } = useGraphHistory(graph, onChange, shared);
  const [picked, setSelection] = useState<Selection>(NOTHING);
  // Undo, redo or a parent's change can remove selected elements: the selection is what still exists.
  const selection = useMemo<Selection>(() => {
    const nodeIds = new Set(graph.nodes.map((n) => n.id));
    const edgeKeys = new Set(graph.edges.map(edgeKey));
    return { nodes: new Set([...picked.nodes].filter((id) => nodeIds.has(id))), edges: new Set([...picked.edges].filter((k) => edgeKeys.has(k))) };
  }, [picked, graph]);
  const onlyNode = selection.nodes.size === 1 ? [...selection.nodes][0] : undefined;
  useEffect(() => onSelectNode?.(onlyNode), [onlyNode, onSelectNode]);
  const [measured, setMeasured] = useState<ReadonlyMap<string, { width: number; height: number }>>(new Map());
  const [showCode, setShowCode] = useState(false);
  // Focus mode: the canvas takes the whole window (Node-RED's editor is a page); panels fold away for room.
  const [focus, setFocus] = useState(false);
  const [paletteOpen, setPaletteOpen] = useState(true);
  const [settingsOpen, setSettingsOpen] = useState(true);
  const [minimapOpen, setMinimapOpen] = useState(true);
  const [notice, setNotice] = useState<string>();
  // Fit a pipeline that opens with nodes; an empty canvas must not jump to fit the first node dropped on it.
  const [fitOnOpen] = useState(() => graph.nodes.length > 0);
  const clipboard = useCanvasClipboard();

  const entryOf = useCallback((n: GraphNode) => catalogEntryFor(catalog, n), [catalog]);
  const validation = useMemo(() => validatePipeline(graph), [graph]);
  const metricsById = useMemo(() => new Map((metrics ?? []).map((m) => [m.nodeId, m])), [metrics]);

  const say = (text: string) => {
    setNotice(text);
    setTimeout(() => setNotice((n) => (n === text ? undefined : n)), 3000);
  };

  const nodes = useMemo(
    () =>
      toFlowNodes(graph, { catalog, issues: validation.byNode, metrics: metricsById, selected: selection.nodes, readOnly, ...(busy !== undefined ? { busy } : {}) }).map((n) => {
        const m = measured.get(n.id);
        return m ? { ...n, measured: m } : n;
      }),
    [graph, catalog, validation, metricsById, selection.nodes, readOnly, measured, busy],
  );
  const edges = useMemo(() => toFlowEdges(graph, selection.edges, metricsById.size > 0, edgeRates), [graph, selection.edges, metricsById, edgeRates]);

  const onNodesChange = (changes: NodeChange[]) => {
    const positions = new Map<string, XY>();
    let dragging = false;
    let nextSel: Set<string> | undefined;
    let nextMeasured: Map<string, { width: number; height: number }> | undefined;
    for (const c of changes) {
      if (c.type === 'position' && c.position) {
        positions.set(c.id, c.position);
        dragging ||= c.dragging === true;
      } else if (c.type === 'dimensions' && c.dimensions) {
        nextMeasured ??= new Map(measured);
        nextMeasured.set(c.id, c.dimensions);
      } else if (c.type === 'select') {
        nextSel ??= new Set(selection.nodes);
        if (c.selected) nextSel.add(c.id);
        else nextSel.delete(c.id);
      }
    }
    if (nextMeasured) setMeasured(nextMeasured);
    if (nextSel) setSelection((s) => ({ ...s, nodes: nextSel! }));
    if (positions.size > 0 && !readOnly) move(setPositions(current.current, positions), dragging);
  };

  const onEdgesChange = (changes: EdgeChange[]) => {
    const sel = new Set(selection.edges);
    let changed = false;
    for (const c of changes) {
      if (c.type !== 'select') continue;
      changed = true;
      if (c.selected) sel.add(c.id);
      else sel.delete(c.id);
    }
    if (changed) setSelection((s) => ({ ...s, edges: sel }));
  };

  // Two-input nodes have target handles in0 and in1; the handle is the edge's targetInput.
  const toConnection = (c: { source: string; target: string; targetHandle?: string | null }) => ({
    source: c.source,
    target: c.target,
    targetInput: (c.targetHandle === 'in1' ? 1 : 0) as 0 | 1,
  });
  const isValidConnection: IsValidConnection = (c) => connectionProblem(current.current, toConnection(c), entryOf) === undefined;
  const onConnect = (c: FlowConnection) => {
    const conn = toConnection(c);
    const problem = connectionProblem(current.current, conn, entryOf);
    if (problem) return say(`Cannot connect: ${problem}`);
    const target = current.current.nodes.find((n) => n.id === conn.target)!;
    commit(connect(current.current, conn, entryOf(target)));
  };

  const place = (entry: CatalogEntry, position: XY) => {
    const { graph: next, id } = addNode(current.current, entry, position);
    commit(next);
    setSelection({ nodes: new Set([id]), edges: new Set() });
    wrapper.current?.focus({ preventScroll: true });
  };
  const onDrop = (e: DragEvent) => {
    const id = e.dataTransfer.getData(DRAG_TYPE);
    const entry = catalog.entries.find((x) => x.id === id);
    if (!entry || readOnly) return;
    e.preventDefault();
    const p = rf.screenToFlowPosition({ x: e.clientX, y: e.clientY });
    place(entry, { x: p.x - DROP_OFFSET.x, y: p.y - DROP_OFFSET.y });
  };
  const addAtCenter = (entry: CatalogEntry) => {
    const box = flowArea.current!.getBoundingClientRect();
    const p = rf.screenToFlowPosition({ x: box.left + box.width / 2, y: box.top + box.height / 2 });
    const shift = (current.current.nodes.length % 5) * 24;
    place(entry, { x: p.x - DROP_OFFSET.x + shift, y: p.y - DROP_OFFSET.y + shift });
  };

  const run = (action: CanvasAction) => {
    const g = current.current;
    switch (action) {
      case 'delete':
        if (selection.nodes.size + selection.edges.size === 0) return;
        commit(removeElements(g, selection.nodes, selection.edges));
        setSelection(NOTHING);
        return;
      case 'undo':
      case 'redo':
        step(action);
        return;
      case 'copy':
      case 'cut':
        if (clipboard.copy(g, selection.nodes) && action === 'cut') run('delete');
        return;
      case 'paste': {
        const pasted = clipboard.paste(g);
        if (!pasted) return;
        commit(pasted.graph);
        setSelection({ nodes: new Set(pasted.ids), edges: new Set() });
        return;
      }
      case 'selectAll':
        setSelection({ nodes: new Set(g.nodes.map((n) => n.id)), edges: new Set(g.edges.map(edgeKey)) });
        return;
    }
  };

  const onKeyDown = useCanvasKeys({ wrapper, readOnly, run, fullScreen: focus, exitFullScreen: () => setFocus(false) });

  /** Fits the pipeline, never below a readable zoom: a pipeline too big for that starts at its sources. */
  const fit = () => {
    const { nodes: ns } = current.current;
    void rf.fitView(FIT).then(() => {
      if (rf.getZoom() > MIN_READABLE_ZOOM + 0.01 || ns.length === 0) return;
      const left = Math.min(...ns.map((n) => n.position?.x ?? 0));
      const top = Math.min(...ns.map((n) => n.position?.y ?? 0));
      const box = flowArea.current?.getBoundingClientRect();
      const h = Math.max(...ns.map((n) => n.position?.y ?? 0)) - top + 100;
      void rf.setViewport({ x: 24 - left * MIN_READABLE_ZOOM, y: Math.max(16, ((box?.height ?? 400) - h * MIN_READABLE_ZOOM) / 2) - top * MIN_READABLE_ZOOM, zoom: MIN_READABLE_ZOOM }, { duration: 200 });
    });
  };
  const autoLayout = () => {
    commit(setPositions(current.current, layoutPositions(current.current)), 'layout');
    // Fit once React Flow has the new positions.
    requestAnimationFrame(fit);
  };
  // Entering or leaving focus mode changes the canvas's size: fit the pipeline to the new room.
  useEffect(() => {
    if (current.current.nodes.length > 0) requestAnimationFrame(fit);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [focus, paletteOpen, settingsOpen]);

  /** The palette's "Key by": keyBy on the selected edge (or the selected operator's one input), then its settings. */
  const keyBy = () => {
    const key = edgeToKey(current.current, selection.nodes, selection.edges);
    if (key === undefined) return say('Key by: select the edge into the operator to key (or the operator), then click Key by');
    commit(keyEdge(current.current, key), `edge:${key}:partitioning`);
    // The edge's key names its ends, not its partitioning: select it to show its key selector.
    setSelection({ nodes: new Set(), edges: new Set([key]) });
    setSettingsOpen(true);
  };

  /** "Show as code" → Apply: the edited code read back into a graph; nodes that kept id and type keep their place. */
  const applyCode = async (code: string): Promise<string | undefined> => {
    // The TypeScript reader (sucrase) loads on first use: it is not part of the page's first load.
    const { fromCode } = await import('./codeToGraph.js');
    let next: PipelineGraph;
    try {
      next = fromCode(code);
    } catch (e) {
      return (e as Error).message;
    }
    const old = new Map(current.current.nodes.map((n) => [n.id, n]));
    const laid = layoutPositions(next);
    const positions = new Map(next.nodes.map((n) => {
      const o = old.get(n.id);
      return [n.id, o?.type === n.type && o.position ? o.position : laid.get(n.id)!] as const;
    }));
    commit(setPositions(next, positions));
    setSelection(NOTHING);
    requestAnimationFrame(fit);
    return undefined;
  };

  const onNode = (id: string, patch: Partial<Pick<GraphNode, 'name' | 'config' | 'parallelism'>>, field: string) => commit(updateNode(current.current, id, patch), `node:${id}:${field}`);
  const onEdge = (key: string, patch: Partial<GraphEdge>, field: string) => {
    const old = current.current.edges.find((e) => edgeKey(e) === key);
    commit(updateEdge(current.current, key, patch), `edge:${old?.source}->${old?.target}:${field}`);
    // The key names the side output: keep the edited edge selected when it changes.
    const updated = old && edgeKey({ ...old, ...patch, ...(patch.sideOutput === '' ? { sideOutput: undefined } : {}) });
    if (updated && updated !== key) setSelection((s) => ({ ...s, edges: new Set([...s.edges].map((k) => (k === key ? updated : k))) }));
  };

  const focusNode = (id: string) => {
    setSelection({ nodes: new Set([id]), edges: new Set() });
    const n = nodes.find((x) => x.id === id);
    if (n) void rf.setCenter(n.position.x + 100, n.position.y + 40, { zoom: rf.getZoom(), duration: 250 });
  };

  const issues = validation.issues;
  const labelOf = (id: string | undefined) => {
    if (id === undefined) return 'pipeline';
    const n = graph.nodes.find((x) => x.id === id);
    return n?.name ?? (n ? entryOf(n)?.label : undefined) ?? id;
  };
  const columns = [!readOnly && paletteOpen ? '220px' : '', 'minmax(0, 1fr)', settingsOpen ? '320px' : ''].filter(Boolean).join(' ');
  return (
    <div className={`pl-canvas${readOnly ? ' pl-readonly' : ''}${focus ? ' pl-canvas-focus' : ''}`} ref={wrapper} tabIndex={-1} onKeyDown={onKeyDown} data-testid="pl-canvas">
      <div className="pl-toolbar">
        {!readOnly && (
          <button onClick={() => setPaletteOpen((o) => !o)} aria-pressed={paletteOpen} title={paletteOpen ? 'Hide the palette' : 'Show the palette'} data-testid="pl-toggle-palette">
            {paletteOpen ? '⇤' : '⇥'} Palette
          </button>
        )}
        <button onClick={() => run('undo')} disabled={readOnly || !canUndo} title="Undo (Ctrl+Z)" data-testid="pl-undo">
          ↶ Undo
        </button>
        <button onClick={() => run('redo')} disabled={readOnly || !canRedo} title="Redo (Ctrl+Shift+Z)" data-testid="pl-redo">
          ↷ Redo
        </button>
        <button onClick={autoLayout} disabled={readOnly || graph.nodes.length === 0} title="Arrange the pipeline left to right" data-testid="pl-layout">
          Auto-layout
        </button>
        <span className="pl-zoom" role="group" aria-label="Zoom">
          <button onClick={() => void rf.zoomOut({ duration: 150 })} title="Zoom out" aria-label="Zoom out" data-testid="pl-zoom-out">
            −
          </button>
          <button onClick={fit} title="Fit the pipeline into view (never below a readable size)" data-testid="pl-fit">
            Fit
          </button>
          <button onClick={() => void rf.zoomIn({ duration: 150 })} title="Zoom in" aria-label="Zoom in" data-testid="pl-zoom-in">
            +
          </button>
        </span>
        <button onClick={() => setShowCode(true)} disabled={graph.nodes.length === 0} title={readOnly ? 'The pipeline as TypeScript' : 'The pipeline as TypeScript: edit it and apply it back'} data-testid="pl-show-code">
          {readOnly ? 'Show as code' : 'Edit as code'}
        </button>
        <span className="spacer" />
        {notice && (
          <span className="pl-notice" data-testid="pl-notice">
            {notice}
          </span>
        )}
        <span className={issues.length > 0 ? 'pl-issue-count error' : 'pl-issue-count ok'} data-testid="pl-issue-count" title={issues.map((i) => `${labelOf(i.nodeId)}: ${i.message}`).join('\n')}>
          {issues.length > 0 ? `${issues.length} problem${issues.length === 1 ? '' : 's'}` : graph.nodes.length > 0 ? 'valid' : ''}
        </span>
        {onStop && (
          <button className="cancel" onClick={onStop} data-testid="pl-stop">
            ■ Stop
          </button>
        )}
        {onDeploy && (
          <button
            className="run"
            onClick={() => onDeploy(current.current)}
            disabled={issues.length > 0}
            title={issues.length > 0 ? `Fix first: ${issues[0]!.message}` : 'Run this pipeline as a job'}
            data-testid="pl-deploy"
          >
            ▶ Deploy
          </button>
        )}
        <button onClick={() => setMinimapOpen((o) => !o)} aria-pressed={minimapOpen} title={minimapOpen ? 'Hide the minimap' : 'Show the minimap'} data-testid="pl-toggle-minimap">
          Map
        </button>
        <button onClick={() => setSettingsOpen((o) => !o)} aria-pressed={settingsOpen} title={settingsOpen ? 'Hide the settings' : 'Show the settings'} data-testid="pl-toggle-settings">
          Settings {settingsOpen ? '⇥' : '⇤'}
        </button>
        <button onClick={() => setFocus((f) => !f)} aria-pressed={focus} title={focus ? 'Back to the notebook (Esc)' : 'Full screen: the canvas takes the whole window'} data-testid="pl-focus">
          {focus ? '✕ Exit full screen' : '↗ Full screen'}
        </button>
      </div>
      <div className="pl-body" style={{ gridTemplateColumns: columns }}>
        {!readOnly && paletteOpen && <Palette catalog={catalog} onAdd={addAtCenter} onKeyBy={keyBy} disabled={readOnly} />}
        <div className="pl-center">
          <div
            className="pl-flow"
            ref={flowArea}
            onDragOver={(e) => {
              if (readOnly || !e.dataTransfer.types.includes(DRAG_TYPE)) return;
              e.preventDefault();
              e.dataTransfer.dropEffect = 'copy';
            }}
            onDrop={onDrop}
            // Clicks on the canvas take the keyboard from the settings fields, so Delete deletes the selection.
            onMouseDownCapture={(e) => (e.target as Element).closest('input, textarea, select, .monaco-editor') || wrapper.current?.focus({ preventScroll: true })}
          >
            <ReactFlow
              nodes={nodes}
              edges={edges}
              nodeTypes={nodeTypes}
              onNodesChange={onNodesChange}
              onEdgesChange={onEdgesChange}
              onConnect={onConnect}
              isValidConnection={isValidConnection}
              onPaneClick={() => setSelection(NOTHING)}
              nodesDraggable={!readOnly}
              nodesConnectable={!readOnly}
              elementsSelectable
              deleteKeyCode={null}
              selectionKeyCode="Shift"
              multiSelectionKeyCode={['Meta', 'Control']}
              fitView={fitOnOpen}
              fitViewOptions={FIT}
              minZoom={0.2}
              proOptions={{ hideAttribution: true }}
            >
              <Background gap={16} />
            </ReactFlow>
            {graph.nodes.length === 0 && <div className="pl-empty">{readOnly ? 'This pipeline is empty.' : 'Drag a source, operators and a sink from the palette here.'}</div>}
          </div>
          {/* Problems and the minimap live in a strip under the flow, never over its nodes. */}
          {(issues.length > 0 || (minimapOpen && graph.nodes.length > 0)) && (
            <div className="pl-footer">
              {issues.length > 0 ? (
                <ul className="pl-issues" data-testid="pl-issues">
                  {issues.map((i, k) => (
                    <li key={k} onClick={() => i.nodeId !== undefined && focusNode(i.nodeId)} className={i.nodeId !== undefined ? 'clickable' : undefined}>
                      <strong>{labelOf(i.nodeId)}</strong>: {i.message}
                    </li>
                  ))}
                </ul>
              ) : (
                <span className="pl-footer-ok muted">No problems: the pipeline can run.</span>
              )}
              {minimapOpen && graph.nodes.length > 0 && (
                <MiniMap
                  className="pl-minimap"
                  style={{ width: 168, height: 88 }}
                  // Outside <ReactFlow> its CSS variables do not reach the minimap: colours are set here.
                  bgColor="#fff"
                  maskColor="rgba(226, 232, 240, 0.6)"
                  maskStrokeColor="#94a3b8"
                  maskStrokeWidth={1}
                  pannable
                  zoomable nodeStrokeWidth={3} nodeColor={(n) => ((n.data as { issues?: string[] }).issues?.length ? '#fca5a5' : '#cbd5e1')} />
              )}
            </div>
          )}
        </div>
        {settingsOpen && <SettingsPanel graph={graph} catalog={catalog} nodeIds={selection.nodes} edgeKeys={selection.edges} issues={validation.byNode} readOnly={readOnly} onNode={onNode} onEdge={onEdge} />}
      </div>
      {showCode && <CodeView graph={graph} onClose={() => setShowCode(false)} {...(readOnly ? {} : { onApply: applyCode })} />}
    </div>
  );
}
