// Side effect: Monaco is the bundled copy (setupMonaco) and knows the engine's types. Imported by the pages that edit
// code, in their lazily loaded chunk, so the notebook list never waits for Monaco's ~4 MB.
import { loadEngineTypes } from './engineTypes.js';

loadEngineTypes();
