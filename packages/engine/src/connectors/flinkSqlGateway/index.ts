export { FlinkSqlGatewaySource, FlinkSqlGatewayConfig, flinkSqlGatewayConnector } from './flinkSqlGateway.js';
export { FlinkSqlGatewaySourceFunction } from './FlinkSqlGatewaySourceFunction.js';
