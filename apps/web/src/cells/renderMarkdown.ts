import DOMPurify from 'dompurify';
import { Marked } from 'marked';
import markedKatex from 'marked-katex-extension';
import { separateDisplayMath } from './separateDisplayMath.js';

// Math as in Jupyter: $…$ inline, $$…$$ display, rendered by KaTeX (bundled; its CSS and fonts come from the app).
// The math is taken out before markdown's escapes, so `\\` stays a line break in the formula. A bad formula shows
// KaTeX's error in place rather than breaking the cell.
const marked = new Marked({ async: false, gfm: true }).use(markedKatex({ throwOnError: false, nonStandard: true, strict: false }));

/** Markdown → HTML with math, sanitized: no script, event handler or javascript: URL survives (stored XSS is refused). */
export function renderMarkdown(source: string): string {
  const html = marked.parse(separateDisplayMath(source)) as string;
  // KaTeX draws some symbols (roots, arrows) with inline SVG and adds MathML for screen readers.
  return DOMPurify.sanitize(html, { USE_PROFILES: { html: true, svg: true, mathMl: true } });
}
