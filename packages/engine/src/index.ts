// Flowbook engine: Apache Flink's DataStream semantics in TypeScript. Knows nothing of servers or browsers.
import './connectors/index.js';

export { StreamExecutionEnvironment, executeGraph, type ExecutionHost, type JobClient, type JobExecutionResult } from './api/StreamExecutionEnvironment.js';
export { JobExecution, type RestartInfo } from './runtime/JobExecution.js';
export { RestartStrategies, RestartStrategyConfig, RestartBackoff, effectiveRestartStrategy, type RestartStrategy } from './restart/RestartStrategy.js';
export { DataStream, DataStreamSink } from './api/DataStream.js';
export { KeyedStream } from './api/KeyedStream.js';
export { WindowedStream } from './api/WindowedStream.js';
export { OutputTag } from './api/OutputTag.js';
export { ConnectedStreams } from './api/ConnectedStreams.js';
export { JoinedStreams } from './api/JoinedStreams.js';
export { CoGroupedStreams } from './api/CoGroupedStreams.js';
export { IntervalJoin } from './api/IntervalJoin.js';
export { OperatorTestHarness, type HarnessOutput } from './testing/OperatorTestHarness.js';
export { Time, Duration } from './api/Time.js';
export type * from './api/functions.js';

export * from './graph/PipelineGraph.js';
export { migrateGraph } from './graph/migrateGraph.js';
export { validateGraph, assertValidGraph, GraphValidationError, type GraphIssue } from './graph/validate.js';
export { functionIssues, functionSyntaxError } from './graph/functionIssues.js';
export { toFnSpec, resolveFn } from './graph/fn.js';
export { withDeadLetterSink, DEAD_LETTER_SINK } from './graph/deadLetterSink.js';
export { buildCatalog, registerCatalogConnectors, catalogEntryFor, schemaDefaults, humanize, CATALOG_GROUPS, type Catalog, type CatalogEntry, type CatalogConnector, type CatalogGroup, type JsonSchema, type FieldKind } from './graph/catalog.js';
export { BUILTIN_CATALOG } from './graph/catalog.generated.js';
export { toCode, defaultNodeName, ToCodeError, type ToCodeOptions } from './graph/toCode.js';
export { setSecretLookup, resolveSecrets, redactSecrets, type SecretLookup } from './connectors/secrets.js';

export { DEFAULT_YOUNG_GENERATION_MB, semiSpaceMbOf, youngGenerationMb } from './runtime/youngGeneration.js';
export { Job, JOB_SNAPSHOT_FORMAT_VERSION, type JobOptions, type JobSnapshot, type JobStatus } from './runtime/Job.js';
export { rescaleKeyedSnapshots } from './runtime/rescaleKeyedSnapshot.js';
export type { KeyedOperatorSnapshot } from './runtime/KeyedOperatorSnapshot.js';
export { DataTap, type TappedRecord } from './runtime/DataTap.js';
export type { JobServices } from './runtime/JobServices.js';
export type { OperatorMetricsSnapshot } from './runtime/metrics.js';
export { StreamOperator, type OperatorContext } from './runtime/StreamOperator.js';
export { KeyedStreamOperator } from './runtime/KeyedStreamOperator.js';
export type { Output } from './runtime/Output.js';
export { listOperatorDefinitions, getOperatorDefinition, registerOperator, type OperatorDefinition } from './runtime/operatorRegistry.js';
export { DEAD_LETTER_TAG, type DeadLetter } from './runtime/operators/SourceOperator.js';

export { WatermarkStrategy, type WatermarkGenerator, type WatermarkGeneratorSupplier, type WatermarkGeneratorSupplierContext, type WatermarkOutput, type TimestampAssigner } from './time/WatermarkStrategy.js';
export { ManualProcessingTimeService, SystemProcessingTimeService, type ProcessingTimeService } from './time/ProcessingTimeService.js';
export { MAX_WATERMARK, MIN_WATERMARK, NO_TIMESTAMP } from './time/Watermark.js';

export * from './state/StateDescriptor.js';
export { StateTtlConfig } from './state/StateTtlConfig.js';
export { assignToKeyGroup, keyGroupRange, DEFAULT_MAX_PARALLELISM } from './state/keyGroups.js';

export { TimeWindow, GlobalWindow, type Window } from './windows/Window.js';
export { WindowAssigner, MergingWindowAssigner } from './windows/assigners/WindowAssigner.js';
export { TumblingEventTimeWindows, TumblingProcessingTimeWindows } from './windows/assigners/TumblingWindows.js';
export { SlidingEventTimeWindows, SlidingProcessingTimeWindows } from './windows/assigners/SlidingWindows.js';
export { EventTimeSessionWindows, ProcessingTimeSessionWindows } from './windows/assigners/SessionWindows.js';
export { GlobalWindows } from './windows/assigners/GlobalWindows.js';
export { Trigger, TriggerResult, type TriggerContext, type OnMergeContext } from './windows/triggers/Trigger.js';
export { EventTimeTrigger } from './windows/triggers/EventTimeTrigger.js';
export { ProcessingTimeTrigger } from './windows/triggers/ProcessingTimeTrigger.js';
export { NeverTrigger } from './windows/triggers/NeverTrigger.js';
export { CountTrigger } from './windows/triggers/CountTrigger.js';
export { PurgingTrigger } from './windows/triggers/PurgingTrigger.js';
export { ContinuousEventTimeTrigger } from './windows/triggers/ContinuousEventTimeTrigger.js';
export { ContinuousProcessingTimeTrigger } from './windows/triggers/ContinuousProcessingTimeTrigger.js';
export type { Evictor, TimestampedValue } from './windows/evictors/Evictor.js';
export { CountEvictor } from './windows/evictors/CountEvictor.js';
export { TimeEvictor } from './windows/evictors/TimeEvictor.js';
export { DeltaEvictor, type DeltaFunction } from './windows/evictors/DeltaEvictor.js';
export { WindowOperator } from './windows/WindowOperator.js';

export { LiveSink, SalesGeneratorSource, salesLine, registerConnector, getConnector, listConnectors, type ConnectorDefinition, type ConnectorSpec } from './connectors/index.js';
export type { SourceFunction, SourceContext, SinkFunction, SinkContext } from './connectors/SourceFunction.js';
export { SourceBatch } from './connectors/SourceBatch.js';
export { SalesGenerator } from './connectors/generator/SalesGenerator.js';
export { Nexmark } from './connectors/generator/nexmark/nexmark.js';
export { NexmarkGenerator, type NexmarkConfig } from './connectors/generator/nexmark/NexmarkGenerator.js';
export type { Person, Auction, Bid, NexmarkEvent } from './connectors/generator/nexmark/model.js';
export { SocketText, SocketTextSource } from './connectors/socket/socketText.js';
export { ReplayServer, type ReplayOptions } from './connectors/socket/ReplayServer.js';
export { PostgresSink, PostgresSinkFunction, PostgresSinkConfig } from './connectors/postgres/PostgresSink.js';
export { TwoPhaseCommitSink, FINAL_TRANSACTION_ID } from './connectors/TwoPhaseCommitSink.js';
export { KafkaSource, KafkaSourceBuilder, KafkaSink, KafkaSinkSpec, KafkaSinkBuilder, OffsetsInitializer, KafkaSourceFunction, KafkaSinkWriter, KafkaTransactionalSinkWriter, DeliveryGuarantee, KafkaConfig, KafkaSourceConfig, KafkaSinkConfig, KafkaSourceState, KafkaSinkState, KafkaTransactionalSinkState, type KafkaRecord } from './connectors/kafka/index.js';
export { MqttSource, MqttSink, MqttSourceFunction, MqttSinkFunction, type MqttMessage, type MqttSourceConfig, type MqttSinkConfig } from './connectors/mqtt/mqtt.js';
export { IotSensors, IotSensorsSource, IotSensorGenerator, type IotReading, type IotSensorsConfig, type IotGeneratorOptions, type IotGeneratorSnapshot } from './connectors/generator/iot/iotSensors.js';
export { FileSource, FileSourceFunction, FileSourceConfig, FileSink, FileSinkFunction, FileSinkConfig, csvField, csvRow, type FileSourceState, type FilePosition, type FileSinkState, type PendingPart } from './connectors/file/index.js';
export { FsCheckpointStorage, WHOLE_JOB, type CheckpointScope, type KeyGroupRange, type CheckpointStorage, type CompletedCheckpoint, type RestorePoint } from './checkpoint/CheckpointStorage.js';
export { PgCheckpointStorage } from './checkpoint/PgCheckpointStorage.js';
export { openCheckpointStorage, isPostgresLocation } from './checkpoint/openCheckpointStorage.js';
export { CheckpointCoordinator, type CheckpointStats, type CheckpointConfig } from './checkpoint/CheckpointCoordinator.js';
export { compileCell, cellLineOf, CellCompileError, ENGINE_GLOBAL, CELL_FILE, type CellErrorInfo } from './cells/compileCell.js';
export { runCellCode, runCompiledCell } from './cells/runCellCode.js';
export { runSlotPeer, type SlotPeerOptions } from './runtime/slots/SlotPeer.js';
export { closeSlotPool } from './runtime/slots/SlotCluster.js';
export { PeerThreadPool, type PeerThreads, type PeerLease, type PeerRequest } from './runtime/slots/PeerThreadPool.js';
export { RemotePeerThreads } from './runtime/slots/RemotePeerThreads.js';
export { bundleEntryFromSources } from './runtime/bundleEntry.js';
export type { SlotProgram } from './runtime/slots/messages.js';

export { runSqlScript, explainSql, describeCatalog, type SqlScriptOptions } from './sql/runSqlScript.js';
export { runSqlOnFlink, type FlinkSqlOptions } from './sql/runSqlOnFlink.js';
export { FlinkSqlGatewayClient, FlinkSqlGatewayError } from './connectors/flinkSqlGateway/FlinkSqlGatewayClient.js';
export { FlinkSqlGatewaySource, FlinkSqlGatewaySourceFunction } from './connectors/flinkSqlGateway/index.js';
export { SqlError } from './sql/SqlError.js';
export { StreamTableEnvironment, type ChangelogRow, type RowKind } from './table/StreamTableEnvironment.js';
export { Table } from './table/Table.js';
export { Schema, SchemaBuilder } from './table/Schema.js';
// What SQL editors complete (the server's /sql-catalog): the engine's scalar functions and connector options.
export { SCALAR_FUNCTIONS } from './sql/functions.js';
export type { ScalarFunction, SqlAggregateFunction } from './sql/udf.js';
export { TableFunction } from './sql/udf.js';
export { TABLE_CONNECTOR_OPTIONS } from './sql/tableConnectors.js';
// A SQL cell as a program (server and CLI run the same), and the statement splitter its catalog comes from.
export { catalogAbove, flinkSqlGateway, sqlJobName, sqlProgramOf } from './cells/sqlCellProgram.js';
export { isCatalogStatement, splitStatements, type SqlStatement } from './sql/splitStatements.js';
export { ScaleOutWorker, type ScaleOutWorkerOptions, type WorkerAssignment } from './scaleout/ScaleOutWorker.js';
export { partitionForKey, partitionOfKeyGroup, keyGroupsOfPartition } from './scaleout/keyGroupPartitions.js';
export { scaleOutHost, type ScaleOutHost, type ScaleOutHostOptions } from './scaleout/scaleOutHost.js';
export { describeJobWorkers, type DescribeJobWorkersOptions } from './scaleout/describeJobWorkers.js';
