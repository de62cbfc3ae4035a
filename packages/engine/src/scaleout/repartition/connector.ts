import type { z } from 'zod';
import { getConnector, registerConnector, type ConnectorDefinition } from '../../connectors/registry.js';
import { RepartitionConfig } from './RepartitionConfig.js';
import { RepartitionSource } from './RepartitionSource.js';
import { RepartitionWriter } from './RepartitionWriter.js';

export const REPARTITION_CONNECTOR = 'kafka-repartition';

/**
 * The repartition topic between the two parts of a scaled-out job: part 1's sink, part 2's source. Registered by the
 * scale-out worker when it splits a job, not among the built-in connectors: no pipeline names it (nor the canvas).
 */
const repartitionConnector: ConnectorDefinition<RepartitionConfig> & { emitsWatermarks: boolean } = {
  name: REPARTITION_CONNECTOR,
  description: "a scaled-out job's repartition topic (internal)",
  configSchema: RepartitionConfig as z.ZodType<RepartitionConfig>,
  createSource: (config) => new RepartitionSource(config),
  createSink: (config) => new RepartitionWriter(config),
  recordTimestamps: true,
  emitsWatermarks: true,
};

export function registerRepartitionConnector(): void {
  if (getConnector(REPARTITION_CONNECTOR) === undefined) registerConnector(repartitionConnector);
}
