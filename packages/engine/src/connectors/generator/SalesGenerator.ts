import type { ConnectorSpec } from '../registry.js';
import type { SalesGeneratorConfig } from './sales.js';

/** Source spec for generated sales lines: `env.fromSource(new SalesGenerator({ ratePerSecond: 200 }), WatermarkStrategy.noWatermarks(), 'sales')`. */
export class SalesGenerator implements ConnectorSpec<SalesGeneratorConfig> {
  readonly connector = 'sales-generator';
  constructor(readonly config: SalesGeneratorConfig = {}) {}
}
