// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { singleTemplateHtml } from './singleTemplate.js';

describe('singleTemplateHtml', () => {
  it('renders the template as HTML with the values escaped', () => {
    expect(singleTemplateHtml('<b>{0}</b> orders', { n: 20 })).toBe('<b>20</b> orders');
    expect(singleTemplateHtml('{0}', { s: '<img src=x onerror=alert(1)>' })).toBe('&#60;img src=x onerror=alert(1)&#62;');
  });

  it('removes scripts and handlers from the template', () => {
    const html = singleTemplateHtml('<img src=x onerror="alert(1)"><script>alert(2)</script>{0}', { n: 1 });
    expect(html).not.toMatch(/onerror|<script/i);
    expect(html).toContain('1');
  });
});
