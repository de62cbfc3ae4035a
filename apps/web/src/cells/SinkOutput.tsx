import type { ChartSettings, Row } from '@flowbook/protocol';
import { ResultView } from '../charts/ResultView.js';

interface Props {
  cellId: string;
  sink: string;
  rows: Row[];
  total: number;
  settings: ChartSettings | undefined;
  onSettings(s: ChartSettings): void;
}

/** One live sink's results under a cell: view chooser, pivot settings and the result (see charts/ResultView). */
export function SinkOutput(props: Props) {
  return <ResultView {...props} />;
}
