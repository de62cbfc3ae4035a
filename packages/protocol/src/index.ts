export * from './notebook.js';
export * from './migrate.js';
export * from './messages.js';
export * from './api.js';
export * from './params.js';
export * from './graph.js';
export * from './versioned.js';
