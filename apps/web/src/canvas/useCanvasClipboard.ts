import { useRef } from 'react';
import { copyFragment, pasteFragment, type Fragment } from './graphOps.js';
import type { PipelineGraph } from './engine.js';

// The clipboard is shared by every canvas on the page, so nodes can be copied from one pipeline into another.
let clipboard: Fragment | undefined;

/** How far each paste of the same copy lands from the last, so repeated pastes do not stack on each other. */
const PASTE_STEP = 40;

export interface CanvasClipboard {
  /** Copies the nodes (and the edges between them); false when there is nothing to copy. */
  copy(graph: PipelineGraph, nodeIds: ReadonlySet<string>): boolean;
  /** The graph with the clipboard pasted (fresh ids, each paste a step further down and right), or undefined if empty. */
  paste(graph: PipelineGraph): { graph: PipelineGraph; ids: string[] } | undefined;
}

/** Copy and paste of canvas nodes, within a pipeline and between the pipelines of a page. */
export function useCanvasClipboard(): CanvasClipboard {
  const pastes = useRef(0);
  return {
    copy(graph, nodeIds) {
      if (nodeIds.size === 0) return false;
      clipboard = copyFragment(graph, nodeIds);
      pastes.current = 0;
      return true;
    },
    paste(graph) {
      if (!clipboard || clipboard.nodes.length === 0) return undefined;
      const step = PASTE_STEP * ++pastes.current;
      return pasteFragment(graph, clipboard, { x: step, y: step });
    },
  };
}
