import DOMPurify from 'dompurify';
import { marked } from 'marked';

/** Markdown → HTML, sanitized: no script, event handler or javascript: URL survives (stored XSS is refused). */
export function renderMarkdown(source: string): string {
  const html = marked.parse(source, { async: false, gfm: true }) as string;
  return DOMPurify.sanitize(html, { USE_PROFILES: { html: true } });
}
