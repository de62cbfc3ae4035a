import './zodJitless.js';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { loadEngineTypes } from './monaco/engineTypes.js';
import { App } from './App.js';
import 'katex/dist/katex.min.css';
import './styles.css';

loadEngineTypes();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
