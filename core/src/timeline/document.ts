// The timeline's HTML document, for both hosts: the standalone export (`klp-studio timeline
// -o FILE.html`, "KLP Studio: Export Timeline as HTML") embeds the run as JSON and the bundled
// renderer (dist/webview.js) inline; the VS Code webview loads the renderer from a webview URI
// and gets the run by postMessage. Either way: a strict Content-Security-Policy with a nonce,
// no remote resources, no inline handlers, and every user-derived string escaped. Pure: the
// caller supplies the nonce and the renderer's text.
import type { TimelineInput } from './input';
import { TIMELINE_CSS } from './styles';

export interface TimelineDocumentOptions {
  /** Shown as the document title (escaped). */
  title: string;
  /** A fresh random value per document (base64/hex; at least 16 characters). */
  nonce: string;
  /** The renderer: inlined text (export) or a URL the webview may load. */
  script: { inline: string } | { src: string };
  /** The run, embedded as inert JSON (export). Absent in the webview. */
  data?: TimelineInput;
  /** VS Code's `webview.cspSource`, allowed for the script URL. */
  cspSource?: string;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

/**
 * JSON safe inside a <script type="application/json"> element: `<`, `>`, `&` and the line
 * separators are written as \\u escapes, so no `</script>` or `<!--` can end or alter it.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** Script text safe inside <script>: a closing tag or comment opener cannot appear in it. */
export function scriptText(js: string): string {
  return js.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

/** The Content-Security-Policy of the document. */
export function timelineCsp(nonce: string, cspSource?: string): string {
  const script = cspSource ? `'nonce-${nonce}' ${cspSource}` : `'nonce-${nonce}'`;
  return [
    "default-src 'none'",
    `script-src ${script}`,
    `style-src 'nonce-${nonce}'`,
    "img-src data:",
    "font-src 'none'",
    "connect-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

/** Builds the whole HTML document. */
export function timelineDocument(o: TimelineDocumentOptions): string {
  if (!/^[A-Za-z0-9+/=_-]{16,}$/.test(o.nonce)) throw new Error('timelineDocument: the nonce must be 16+ base64/hex characters');
  const nonce = escapeHtml(o.nonce);
  const csp = escapeHtml(timelineCsp(o.nonce, o.cspSource));
  const script = 'inline' in o.script
    ? `<script nonce="${nonce}">${scriptText(o.script.inline)}</script>`
    : `<script nonce="${nonce}" src="${escapeHtml(o.script.src)}"></script>`;
  const data = o.data ? `<script type="application/json" id="klp-timeline-data">${jsonForScript(o.data)}</script>\n` : '';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="KLP Studio">
<title>${escapeHtml(o.title)} — KLP Studio timeline</title>
<style nonce="${nonce}">${TIMELINE_CSS}</style>
</head>
<body>
<div id="klp-timeline"><noscript>This timeline needs JavaScript to draw the simulator run.</noscript></div>
${data}${script}
</body>
</html>
`;
}
