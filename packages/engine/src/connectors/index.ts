import { collectConnector } from './collect/collect.js';
import { elementsConnector } from './generator/elements.js';
import { salesGeneratorConnector } from './generator/sales.js';
import { liveConnector } from './live/LiveSink.js';
import { printConnector } from './print/print.js';
import { registerConnector } from './registry.js';
import { socketTextConnector } from './socket/socketText.js';
import { nexmarkConnector } from './generator/nexmark/nexmark.js';
import { postgresConnector } from './postgres/PostgresSink.js';
import { fileSinkConnector, fileSourceConnector } from './file/index.js';
import { mqttConnector } from './mqtt/mqtt.js';
import { kafkaConnector } from './kafka/index.js';
import { iotSensorsConnector } from './generator/iot/iotSensors.js';
import { functionSourceConnector } from './function/FunctionSource.js';
import { datagenConnector } from './datagen/datagen.js';
import { blackholeConnector } from './blackhole/blackhole.js';
import { flinkSqlGatewayConnector } from './flinkSqlGateway/flinkSqlGateway.js';

/** Built-in connectors; each lives in its own folder. */
export function registerBuiltinConnectors(): void {
  registerConnector(elementsConnector);
  registerConnector(salesGeneratorConnector);
  registerConnector(liveConnector);
  registerConnector(printConnector);
  registerConnector(collectConnector);
  registerConnector(nexmarkConnector);
  registerConnector(socketTextConnector);
  registerConnector(postgresConnector);
  registerConnector(fileSourceConnector);
  registerConnector(fileSinkConnector);
  registerConnector(mqttConnector);
  registerConnector(iotSensorsConnector);
  registerConnector(kafkaConnector);
  registerConnector(functionSourceConnector);
  registerConnector(datagenConnector);
  registerConnector(blackholeConnector);
  registerConnector(flinkSqlGatewayConnector);
}
registerBuiltinConnectors();

export { LiveSink } from './live/LiveSink.js';
export { SalesGeneratorSource, salesLine } from './generator/sales.js';
export * from './registry.js';
export type * from './SourceFunction.js';
