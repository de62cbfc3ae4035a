import DOMPurify from 'dompurify';
import type { Row } from '@flowbook/protocol';
import { fillTemplate } from './sqlResult.js';

const escapeHtml = (t: string) => t.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * A single-value template as HTML, as Zeppelin shows it (`<h1>{0}</h1> orders`): the row's values are escaped (they
 * are data), the template is sanitized like markdown (no script, handler or javascript: URL survives).
 */
export function singleTemplateHtml(template: string | undefined, row: Row): string {
  return DOMPurify.sanitize(fillTemplate(template, row, escapeHtml), { USE_PROFILES: { html: true } });
}
