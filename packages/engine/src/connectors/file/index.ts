// File connectors: the `file` source and the `file-sink` sink (registered in connectors/index.ts).
export { FileSource, FileSourceConfig, FileSourceFunction, fileSourceConnector, fileNameMatcher, type FilePosition, type FileSourceState } from './FileSource.js';
export { FileSink, FileSinkConfig, FileSinkFunction, fileSinkConnector, type FileSinkState, type PendingPart } from './FileSink.js';
export { csvField, csvRow } from './csvFormat.js';
