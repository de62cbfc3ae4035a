import { monaco } from './setupMonaco.js';

// The engine's declaration files, built by `tsc -b` before the web build, bundled as text: IntelliSense for
// `import … from '@flowbook/engine'` works offline. The alias is the engine package's dist folder (vite.config.ts).
const files = import.meta.glob('@flowbook/engine-declarations/**/*.d.ts', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;

let loaded = false;

/** Registers the engine's types with Monaco's TypeScript service (once). */
export function loadEngineTypes(): number {
  if (loaded) return Object.keys(files).length;
  loaded = true;
  for (const [file, text] of Object.entries(files)) {
    const rel = file.slice(file.lastIndexOf('/dist/') + '/dist/'.length);
    monaco.typescript.typescriptDefaults.addExtraLib(text, `file:///node_modules/@flowbook/engine/${rel}`);
  }
  // Globals a cell gets from the server: its dynamic form values and its notebook's folder.
  monaco.typescript.typescriptDefaults.addExtraLib(
    'declare const params: Readonly<Record<string, string | number | boolean>>;\n/** The folder of this notebook (for data files next to it). */\ndeclare const notebookDir: string;\n',
    'file:///flowbook-globals.d.ts',
  );
  monaco.typescript.typescriptDefaults.addExtraLib(
    JSON.stringify({ name: '@flowbook/engine', types: 'index.d.ts' }),
    'file:///node_modules/@flowbook/engine/package.json',
  );
  return Object.keys(files).length;
}
