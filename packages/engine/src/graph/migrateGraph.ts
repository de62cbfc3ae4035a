// Graph migrations live beside the graph's schema in the protocol (one list of versions for everyone who reads graphs).
export { migrateGraph } from '@flowbook/protocol/graph';
