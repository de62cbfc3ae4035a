import type { Plugin } from 'vite';

// The app must run with no internet: nothing may be fetched from a CDN at run time.
const CDN = /https?:\/\/(?:cdn\.jsdelivr\.net|unpkg\.com)[^\s'"`)]*/g;

/**
 * @monaco-editor/loader's default config names a jsdelivr URL that is never used (we hand it the bundled Monaco with
 * `loader.config({ monaco })`); drop it, then fail the build if any CDN URL is left anywhere in the output.
 */
export function offlineOnly(): Plugin {
  return {
    name: 'flowbook:offline-only',
    enforce: 'pre',
    transform(code, id) {
      if (!id.includes('@monaco-editor/loader')) return null;
      const cleaned = code.replace(CDN, '');
      return cleaned === code ? null : { code: cleaned, map: null };
    },
    generateBundle(_options, bundle) {
      for (const [file, out] of Object.entries(bundle)) {
        const text = out.type === 'chunk' ? out.code : typeof out.source === 'string' ? out.source : '';
        const found = text.match(CDN);
        if (found) this.error(`${file} references a CDN (${found[0]}); Flowbook must work offline`);
      }
    },
  };
}
