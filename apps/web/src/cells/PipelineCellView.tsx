import { useMemo, useState } from 'react';
import type { ChartSettings, PipelineCell, PipelineGraph } from '@flowbook/protocol';
import { PipelineCanvas } from '../canvas/PipelineCanvas.js';
import { useEdgeRates } from '../canvas/edgeRates.js';
import { migrateGraph } from '../canvas/engine.js';
import { validatePipeline } from '../canvas/validation.js';
import { TapPanel } from '../jobs/TapPanel.js';
import type { CellRunView } from '../notebook/cellRuns.js';
import { RunBar } from './RunBar.js';
import { useNotebookDoc } from '../collab/useNotebookDoc.js';
import { LOCAL } from '../collab/NotebookDocClient.js';
import { CellOutputs } from './CellOutputs.js';

interface Props {
  cell: PipelineCell;
  run: CellRunView | undefined;
  notebook: string;
  readOnly: boolean;
  canRun: boolean;
  onGraph(graph: PipelineGraph): void;
  onChartChange(sink: string, settings: ChartSettings): void;
  onRun(): void;
  onCancel(): void;
  onResume(restore: string): void;
}

/**
 * A pipeline cell: the drag-and-drop canvas embedded in the notebook. Deploy runs the graph as drawn (node ids kept,
 * so the running job's per-operator metrics are drawn on its nodes); its live sinks chart below like a code cell's.
 */
/** Downloads the graph alone as `<cell>.pipeline.json` (plain, versioned PipelineGraph JSON). */
function exportPipeline(cell: PipelineCell): void {
  const blob = new Blob([JSON.stringify(cell.graph, null, 2) + '\n'], { type: 'application/json' });
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = `${cell.graph.name?.replace(/[^\w.-]+/g, '-') || cell.id}.pipeline.json`;
  document.body.appendChild(a);
  a.click();
  a.remove();
  // Revoked later: revoking at once can cancel the download before the browser has read the blob.
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

export function PipelineCellView({ cell, run, notebook, readOnly, canRun, onGraph, onChartChange, onRun, onCancel, onResume }: Props) {
  const running = run?.status === 'running' || run?.status === 'pending';
  // Co-edited: the canvas's undo is of this browser's own changes to the graph in the shared document.
  const doc = useNotebookDoc(notebook);
  const [tapped, setTapped] = useState<string>();
  const [importError, setImportError] = useState<string>();
  const rates = useEdgeRates(running ? run?.operators : undefined);
  // The checks the server runs before it starts the job: while they fail, Run says why instead of failing a job.
  const blocked = useMemo(() => {
    const { issues } = validatePipeline(cell.graph);
    if (issues.length === 0) return undefined;
    const first = issues[0]!;
    const where = first.nodeId !== undefined ? `${cell.graph.nodes.find((n) => n.id === first.nodeId)?.name ?? first.nodeId}: ` : '';
    return `Cannot run: ${issues.length === 1 ? '1 problem' : `${issues.length} problems`} on the canvas\n${where}${first.message}`;
  }, [cell.graph]);
  const importPipeline = async (file: File) => {
    try {
      // Migrated and checked by the engine's schema: a bad file is refused with the reason, the cell is unchanged.
      const graph = migrateGraph(JSON.parse(await file.text()));
      onGraph(graph);
      setImportError(undefined);
    } catch (e) {
      setImportError(`${file.name}: ${(e as Error).message}`);
    }
  };
  return (
    <div className="pipeline-cell">
      <RunBar cellId={cell.id} notebook={notebook} run={run} canRun={canRun} onRun={onRun} onCancel={onCancel} onResume={onResume} runTitle="Deploy the pipeline" blocked={blocked}>
        <span className="pipeline-file-actions">
          <button className="icon-button" onClick={() => exportPipeline(cell)} data-testid={`export-pipeline-${cell.id}`} title="Download this pipeline as .pipeline.json">
            Export
          </button>
          {!readOnly && !running && (
            <label className="icon-button" title="Replace this pipeline with a .pipeline.json file">
              Import
              <input type="file" accept=".json,application/json" hidden data-testid={`import-pipeline-${cell.id}`} onChange={(e) => e.target.files?.[0] && void importPipeline(e.target.files[0])} />
            </label>
          )}
        </span>
      </RunBar>
      {importError && <p className="error">{importError}</p>}
      <div className="pipeline-cell-canvas" data-testid={`canvas-${cell.id}`}>
        <PipelineCanvas
          graph={cell.graph}
          onChange={onGraph}
          readOnly={readOnly || running}
          {...(running && run?.operators ? { metrics: run.operators } : {})}
          {...(rates ? { edgeRates: rates } : {})}
          {...(running && run?.busy !== undefined ? { busy: run.busy } : {})}
          onSelectNode={setTapped}
          {...(doc?.loaded ? { shared: { doc: doc.doc, cellId: cell.id, origin: LOCAL } } : {})}
        />
      </div>
      {running && !tapped && <p className="muted pipeline-hint">Select a node to open its live data tap.</p>}
      {running && tapped && run?.jobId && (
        <TapPanel jobId={run.jobId} nodeId={tapped} label={cell.graph.nodes.find((n) => n.id === tapped)?.name ?? tapped} onClose={() => setTapped(undefined)} />
      )}
      <CellOutputs cellId={cell.id} run={run} charts={cell.charts} onChartChange={onChartChange} />
    </div>
  );
}
