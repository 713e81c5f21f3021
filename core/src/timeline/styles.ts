// The timeline's stylesheet, shared by the VS Code webview and the exported HTML file (both
// put it in one nonce'd <style>). Colours come from VS Code's theme variables; the fallbacks
// (used by the export) follow the browser's light/dark preference. No remote fonts or images.

export const TIMELINE_CSS = String.raw`
:root {
  --bg: var(--vscode-editor-background, #14161b);
  --fg: var(--vscode-editor-foreground, #d9dde5);
  --muted: var(--vscode-descriptionForeground, #8d95a3);
  --panel: var(--vscode-sideBar-background, #1a1d24);
  --panel2: var(--vscode-editorWidget-background, #20242c);
  --border: var(--vscode-panel-border, #2c313b);
  --grid: var(--vscode-editorIndentGuide-background1, #232730);
  --focus: var(--vscode-focusBorder, #4c9bff);
  --accent: var(--vscode-textLink-foreground, #5aa9ff);
  --btn-bg: var(--vscode-button-secondaryBackground, #2a2f39);
  --btn-fg: var(--vscode-button-secondaryForeground, #d9dde5);
  --btn-hover: var(--vscode-button-secondaryHoverBackground, #353b47);
  --input-bg: var(--vscode-input-background, #1d2027);
  --input-fg: var(--vscode-input-foreground, #d9dde5);
  --input-border: var(--vscode-input-border, #353b47);
  --tip-bg: var(--vscode-editorHoverWidget-background, #1f232b);
  --tip-border: var(--vscode-editorHoverWidget-border, #3a404c);
  --err: var(--vscode-errorForeground, #ff6b6b);
  --warn: var(--vscode-editorWarning-foreground, #f0b429);
  --info: var(--vscode-editorInfo-foreground, #4fb3ff);
  --ok: var(--vscode-testing-iconPassed, #46c281);
  --orig: var(--vscode-editorLineNumber-foreground, #6b7280);
  --cursor: var(--vscode-editor-lineHighlightBorder, transparent);
  --hc: var(--vscode-contrastBorder, transparent);
  --p0: #5aa9ff; --p1: #d27fe0; --p2: #3fd0b0; --p3: #e7c15b; --p4: #ff8470; --p5: #98d56e; --p6: #f3a35c; --p7: #9aa8ff;
  --font: var(--vscode-font-family, system-ui, -apple-system, "Segoe UI", "Liberation Sans", Arial, sans-serif);
  --mono: var(--vscode-editor-font-family, "Liberation Mono", "DejaVu Sans Mono", Menlo, Consolas, monospace);
  color-scheme: dark;
}
@media (prefers-color-scheme: light) {
  :root {
    --bg: var(--vscode-editor-background, #ffffff);
    --fg: var(--vscode-editor-foreground, #1f2328);
    --muted: var(--vscode-descriptionForeground, #5f6773);
    --panel: var(--vscode-sideBar-background, #f6f7f9);
    --panel2: var(--vscode-editorWidget-background, #f0f2f5);
    --border: var(--vscode-panel-border, #dde1e7);
    --grid: var(--vscode-editorIndentGuide-background1, #eceff3);
    --focus: var(--vscode-focusBorder, #0969da);
    --accent: var(--vscode-textLink-foreground, #0969da);
    --btn-bg: var(--vscode-button-secondaryBackground, #e8ebef);
    --btn-fg: var(--vscode-button-secondaryForeground, #1f2328);
    --btn-hover: var(--vscode-button-secondaryHoverBackground, #dde1e7);
    --input-bg: var(--vscode-input-background, #ffffff);
    --input-fg: var(--vscode-input-foreground, #1f2328);
    --input-border: var(--vscode-input-border, #c9ced6);
    --tip-bg: var(--vscode-editorHoverWidget-background, #ffffff);
    --tip-border: var(--vscode-editorHoverWidget-border, #c9ced6);
    --err: var(--vscode-errorForeground, #cf222e);
    --warn: var(--vscode-editorWarning-foreground, #9a6700);
    --info: var(--vscode-editorInfo-foreground, #0969da);
    --ok: var(--vscode-testing-iconPassed, #1a7f37);
    --orig: var(--vscode-editorLineNumber-foreground, #8c959f);
    --p0: #1f6feb; --p1: #a142c4; --p2: #0f8a72; --p3: #a67c00; --p4: #d1452f; --p5: #3f8a26; --p6: #c0650f; --p7: #5a54d6;
    color-scheme: light;
  }
}
body.vscode-light { --p0: #1f6feb; --p1: #a142c4; --p2: #0f8a72; --p3: #a67c00; --p4: #d1452f; --p5: #3f8a26; --p6: #c0650f; --p7: #5a54d6; color-scheme: light; }
body.vscode-dark { --p0: #5aa9ff; --p1: #d27fe0; --p2: #3fd0b0; --p3: #e7c15b; --p4: #ff8470; --p5: #98d56e; --p6: #f3a35c; --p7: #9aa8ff; color-scheme: dark; }
body.vscode-high-contrast { --border: var(--vscode-contrastBorder, #6fc3df); --grid: #333; --p0: #6fc3df; --p1: #ff9cff; --p2: #4dffd2; --p3: #ffd000; --p4: #ff8c7a; --p5: #b4ff7a; --p6: #ffb35c; --p7: #b6c0ff; }
body.vscode-high-contrast-light { --border: var(--vscode-contrastBorder, #0f4a85); --p0: #0f4a85; --p1: #7a1d9a; --p2: #006b55; --p3: #6b5200; --p4: #b5200d; --p5: #265f0f; --p6: #8a3f00; --p7: #3b2fb0; }

.pc-0 { --pc: var(--p0); } .pc-1 { --pc: var(--p1); } .pc-2 { --pc: var(--p2); } .pc-3 { --pc: var(--p3); }
.pc-4 { --pc: var(--p4); } .pc-5 { --pc: var(--p5); } .pc-6 { --pc: var(--p6); } .pc-7 { --pc: var(--p7); }
.pc-none { --pc: var(--orig); }

* { box-sizing: border-box; }
html, body { margin: 0; padding: 0; height: 100%; background: var(--bg); color: var(--fg); font-family: var(--font); font-size: 13px; }
body { overflow: hidden; }
button { font: inherit; color: inherit; }
:focus-visible { outline: 2px solid var(--focus); outline-offset: 1px; }

.klp-tl { display: flex; flex-direction: column; height: 100vh; min-width: 360px; }

/* Toolbar */
.tl-toolbar { flex: none; display: flex; flex-wrap: wrap; align-items: center; gap: 8px 16px; padding: 10px 14px 8px; border-bottom: 1px solid var(--border); background: var(--panel); }
.tl-brand { display: flex; align-items: baseline; gap: 10px; min-width: 0; flex: 1 1 320px; }
.tl-logo { align-self: center; font: 700 11px/1 var(--mono); letter-spacing: .04em; padding: 4px 6px; border-radius: 5px; color: var(--bg); background: linear-gradient(135deg, var(--p0), var(--p1)); }
.tl-title { margin: 0; font-size: 15px; font-weight: 600; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.tl-meta { color: var(--muted); font-size: 12px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.tl-controls { display: flex; align-items: center; gap: 10px; flex-wrap: wrap; }
.tl-group { display: inline-flex; align-items: center; border: 1px solid var(--border); border-radius: 6px; overflow: hidden; background: var(--btn-bg); }
.tl-btn { border: 0; background: var(--btn-bg); color: var(--btn-fg); padding: 4px 9px; cursor: pointer; min-width: 28px; line-height: 18px; }
.tl-btn:hover { background: var(--btn-hover); }
.tl-export { border: 1px solid var(--border); border-radius: 6px; }
.tl-pos { padding: 0 8px; font: 12px var(--mono); color: var(--muted); min-width: 64px; text-align: center; }
.tl-filter { width: 220px; padding: 4px 8px; border-radius: 6px; border: 1px solid var(--input-border); background: var(--input-bg); color: var(--input-fg); font: inherit; }
.tl-check { color: var(--muted); font-size: 12px; display: inline-flex; align-items: center; gap: 4px; cursor: pointer; }
.tl-chips { display: flex; gap: 6px; flex-wrap: wrap; flex-basis: 100%; }
.tl-chip { display: inline-flex; align-items: center; gap: 6px; padding: 2px 10px 2px 6px; border-radius: 999px; border: 1px solid color-mix(in srgb, var(--pc) 55%, var(--border)); background: color-mix(in srgb, var(--pc) 12%, var(--bg)); cursor: pointer; font-size: 12px; max-width: 280px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.tl-chip .sw, .tl-label .sw { width: 10px; height: 10px; border-radius: 3px; background: var(--pc); flex: none; }
.tl-chip.off { opacity: .45; text-decoration: line-through; }
.tl-errors { margin: 8px 14px 0; padding: 8px 12px; border: 1px solid var(--err); border-radius: 6px; color: var(--err); background: color-mix(in srgb, var(--err) 8%, var(--bg)); }
.tl-errors ul { margin: 4px 0 0; padding-left: 18px; }

/* Timeline grid */
.tl-main { flex: 1 1 auto; min-height: 120px; overflow: auto; position: relative; outline: none; }
.tl-main:focus-visible { box-shadow: inset 0 0 0 2px var(--focus); }
.tl-grid { position: relative; }
.tl-axis { position: sticky; top: 0; z-index: 6; height: 48px; background: var(--bg); border-bottom: 1px solid var(--border); }
.tl-corner { position: sticky; left: 0; z-index: 7; width: 236px; height: 48px; background: var(--panel); border-right: 1px solid var(--border); display: flex; flex-direction: column; justify-content: space-between; padding: 6px 12px 4px; color: var(--muted); font-size: 10.5px; text-transform: uppercase; letter-spacing: .06em; }
.tl-axis-cmds { position: absolute; top: 3px; height: 24px; }
.tl-axis-steps { position: absolute; top: 29px; height: 19px; cursor: pointer; }
.tl-cmd { position: absolute; top: 0; height: 24px; padding: 0 6px; border-radius: 5px; background: var(--panel2); border: 1px solid var(--border); font: 11.5px/22px var(--mono); white-space: nowrap; overflow: hidden; text-overflow: ellipsis; cursor: pointer; }
.tl-cmd .verb { font-weight: 700; color: var(--accent); }
.tl-cmd.failed { border-color: var(--err); }
.tl-cmd.failed .verb { color: var(--err); }
.tl-tick { position: absolute; top: 0; height: 19px; border-left: 1px solid transparent; }
.tl-tick::after { content: ''; position: absolute; left: 50%; bottom: 0; width: 1px; height: 4px; background: var(--border); }
.tl-tick.t-change { border-left-color: var(--border); }
.tl-time { position: absolute; left: 3px; top: 1px; font: 10.5px var(--mono); color: var(--muted); white-space: nowrap; }
.tl-body { position: relative; }
.tl-bg { position: absolute; top: 0; pointer-events: none; }
.tl-sep { position: absolute; top: 0; bottom: 0; width: 1px; background: var(--grid); }
.tl-sep.failed { background: color-mix(in srgb, var(--err) 40%, transparent); }
.tl-cursor { position: absolute; top: 0; z-index: 2; pointer-events: none; background: color-mix(in srgb, var(--focus) 13%, transparent); border-left: 1px solid color-mix(in srgb, var(--focus) 70%, transparent); border-right: 1px solid color-mix(in srgb, var(--focus) 70%, transparent); }
.tl-main:focus-visible .tl-cursor { background: color-mix(in srgb, var(--focus) 22%, transparent); border-color: var(--focus); }

.tl-section { position: relative; display: flex; align-items: flex-end; border-top: 1px solid var(--border); background: color-mix(in srgb, var(--panel) 60%, transparent); }
.tl-section-title { position: sticky; left: 12px; padding: 0 0 4px; font-size: 10.5px; font-weight: 700; text-transform: uppercase; letter-spacing: .08em; color: var(--muted); }
.tl-row { position: relative; display: flex; }
.tl-row + .tl-row { box-shadow: inset 0 1px 0 var(--grid); }
.tl-label { position: sticky; left: 0; z-index: 4; flex: none; display: flex; align-items: center; gap: 7px; padding: 0 10px 0 12px; background: var(--panel); border: 0; border-right: 1px solid var(--border); text-align: left; min-width: 0; overflow: hidden; }
.tl-label.has-src { cursor: pointer; }
.tl-label.has-src:hover .name { color: var(--accent); text-decoration: underline; }
.tl-label .name { font-weight: 600; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; flex: 0 1 auto; min-width: 0; }
.tl-label .sub { color: var(--muted); font-size: 11px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; flex: 1 1 0; min-width: 0; }
.sec-functions .tl-label .name, .sec-tasks .tl-label .name { font-family: var(--mono); font-size: 12px; }
.tl-label.child { padding-left: 30px; }
.tl-label.child .name { font-weight: 500; font-size: 11.5px; color: var(--muted); }
.tl-track { position: relative; flex: none; }
.tl-empty { padding: 20px 250px; color: var(--muted); }

/* Intervals */
.tl-iv { position: absolute; top: 5px; bottom: 5px; display: flex; align-items: center; gap: 6px; padding: 0 6px; border-radius: 5px; overflow: hidden; white-space: nowrap; font-size: 11px; cursor: default; background: color-mix(in srgb, var(--pc) 26%, var(--bg)); border: 1px solid color-mix(in srgb, var(--pc) 60%, transparent); border-left: 3px solid var(--pc); z-index: 1; }
.tl-iv .lbl { overflow: hidden; text-overflow: ellipsis; min-width: 0; }
.narrow .tl-iv { padding: 0 3px; }
.tl-iv:hover { filter: brightness(1.15); z-index: 3; }
.tl-iv.at-cursor { box-shadow: 0 0 0 1px var(--focus); }
.k-patch-loading { background: transparent; border: 1px dashed color-mix(in srgb, var(--pc) 70%, transparent); border-left-width: 1px; color: var(--muted); }
.k-patch-patching, .k-patch-unpatching { background-image: repeating-linear-gradient(135deg, color-mix(in srgb, var(--pc) 34%, var(--bg)) 0 7px, color-mix(in srgb, var(--pc) 16%, var(--bg)) 7px 14px); }
.k-patch-unpatching { background-image: repeating-linear-gradient(45deg, color-mix(in srgb, var(--pc) 22%, var(--bg)) 0 7px, color-mix(in srgb, var(--pc) 8%, var(--bg)) 7px 14px); border-style: dashed; }
.k-patch-enabled { background: color-mix(in srgb, var(--pc) 36%, var(--bg)); font-weight: 600; }
.k-patch-freed, .k-patch-replaced { background: transparent; border: 1px dotted color-mix(in srgb, var(--pc) 50%, var(--border)); color: var(--muted); font-style: italic; }
.k-patch-failed { background: color-mix(in srgb, var(--err) 12%, var(--bg)); border: 1px solid var(--err); color: var(--err); }
.tl-iv.forced { box-shadow: inset 0 -3px 0 var(--warn); }
.tag-forced { flex: none; font-size: 9.5px; font-weight: 700; text-transform: uppercase; letter-spacing: .05em; color: var(--warn); border: 1px solid var(--warn); border-radius: 3px; padding: 0 3px; line-height: 13px; }
.k-task-old { background: color-mix(in srgb, var(--warn) 16%, var(--bg)); border-color: color-mix(in srgb, var(--warn) 50%, transparent); border-left-color: var(--warn); }
.k-task-new { background: color-mix(in srgb, var(--ok) 18%, var(--bg)); border-color: color-mix(in srgb, var(--ok) 45%, transparent); border-left-color: var(--ok); }
.k-module { background: color-mix(in srgb, var(--orig) 16%, var(--bg)); border-color: color-mix(in srgb, var(--orig) 45%, transparent); border-left-color: var(--orig); color: var(--muted); }
.k-state-owned { font-family: var(--mono); }
.k-shadow-live { background: color-mix(in srgb, var(--pc) 18%, var(--bg)); }
.k-shadow-leaked { background: repeating-linear-gradient(135deg, color-mix(in srgb, var(--err) 22%, var(--bg)) 0 5px, var(--bg) 5px 10px); border: 1px solid var(--err); color: var(--err); font-weight: 600; }

/* Function rows: which implementation runs */
.sec-functions .tl-iv { top: 4px; bottom: 4px; font-family: var(--mono); font-size: 10.5px; }
.tl-iv.impl-orig { --pc: var(--orig); background: color-mix(in srgb, var(--orig) 12%, var(--bg)); border-color: color-mix(in srgb, var(--orig) 40%, transparent); border-left-color: var(--orig); color: var(--muted); }
.tl-iv.impl-nop { background: repeating-linear-gradient(90deg, color-mix(in srgb, var(--orig) 14%, var(--bg)) 0 6px, var(--bg) 6px 9px); border: 1px dashed var(--pc); border-left: 3px solid var(--pc); color: var(--muted); }
.tl-iv.split { padding: 0; flex-direction: column; align-items: stretch; gap: 0; background: var(--bg); border: 1px solid color-mix(in srgb, var(--focus) 45%, var(--border)); border-left-width: 1px; }
.tl-iv.split .band { flex: 1 1 50%; position: relative; display: flex; align-items: center; gap: 6px; padding: 0 6px; min-height: 0; overflow: hidden; border-left: 3px solid var(--pc); background: color-mix(in srgb, var(--pc) 30%, var(--bg)); }
.tl-iv.split .band.old { padding: 0; background: color-mix(in srgb, var(--pc) 13%, var(--bg)); border-top: 1px solid var(--border); }
.tl-iv.split .band.impl-orig { --pc: var(--orig); color: var(--muted); }
.tl-iv.split .band.impl-nop { background: repeating-linear-gradient(90deg, color-mix(in srgb, var(--orig) 14%, var(--bg)) 0 6px, var(--bg) 6px 9px); color: var(--muted); }
.tl-iv.split .ph { position: absolute; top: 0; bottom: 0; display: flex; align-items: center; gap: 6px; padding: 0 5px; overflow: hidden; }
.tl-iv.split .ph.next { border-left: 1px solid color-mix(in srgb, var(--fg) 25%, transparent); }
.tl-iv.split .ph.sleeper { background: color-mix(in srgb, var(--err) 24%, var(--bg)); color: var(--fg); font-weight: 700; box-shadow: inset 0 0 0 1px var(--err); }
.tl-iv.split .ph:hover { filter: brightness(1.2); }
.tl-iv.split .badge { margin-left: auto; flex: none; font: 700 9.5px/13px var(--font); padding: 0 4px; border-radius: 3px; background: color-mix(in srgb, var(--ok) 30%, var(--bg)); color: var(--fg); }
.narrow .tl-iv.split .badge { display: none; }

/* Markers */
.tl-mk { position: absolute; top: 50%; width: 16px; height: 16px; margin: -8px 0 0 -8px; display: grid; place-items: center; z-index: 3; cursor: pointer; }
.tl-mk::before { content: ''; position: absolute; inset: 1px; border-radius: 50%; background: var(--pc); border: 1px solid var(--bg); }
.tl-mk .g { position: relative; font: 700 9.5px/1 var(--font); color: var(--bg); }
.tl-mk .ml { position: absolute; left: 17px; top: 1px; font-size: 10.5px; white-space: nowrap; color: var(--muted); pointer-events: none; }
.tl-mk .cnt { position: absolute; left: 12px; top: -7px; font: 700 9px var(--font); color: var(--muted); }
.tl-mk:hover::before, .tl-mk.at-cursor::before { box-shadow: 0 0 0 2px var(--focus); }
.tl-mk.k-callback::before { border-radius: 2px; transform: rotate(45deg) scale(.78); }
.tl-mk.k-callback-skipped::before { border-radius: 2px; transform: rotate(45deg) scale(.72); background: var(--bg); border: 1.5px dashed var(--pc); }
.tl-mk.k-callback-skipped .ml { text-decoration: line-through; }
.tl-mk.k-signal::before { background: var(--warn); }
.tl-mk.k-force::before { background: var(--err); border-radius: 3px; }
.tl-mk.k-reverse::before { background: var(--p1); }
.tl-mk.k-cancel::before { background: var(--err); }
.tl-mk.k-failure, .tl-mk.k-error { width: 18px; height: 18px; margin: -9px 0 0 -9px; }
.tl-mk.k-failure::before, .tl-mk.k-error::before { background: var(--err); box-shadow: 0 0 0 3px color-mix(in srgb, var(--err) 30%, transparent); }
.tl-mk.k-warning::before { background: var(--warn); clip-path: polygon(50% 0, 100% 100%, 0 100%); border-radius: 0; }
.tl-mk.k-warning .g { margin-top: 3px; }
.tl-mk.k-note::before { background: var(--info); }
.tl-mk.k-retry { width: 8px; margin-left: -4px; }
.tl-mk.k-retry::before { inset: 3px 3px; border-radius: 2px; background: color-mix(in srgb, var(--pc) 70%, var(--muted)); border: 0; }
.tl-mk.k-retry .cnt { left: 6px; }
.tl-mk.k-switch::before { background: var(--ok); inset: 3px; }
.tl-mk.k-blocked::before { background: var(--err); inset: 3px 5px; border-radius: 2px; }
.tl-mk.k-task-change::before, .tl-mk.k-exited::before, .tl-mk.k-unloaded::before, .tl-mk.k-module-apply::before { background: var(--orig); inset: 3px; }
.tl-mk.k-introduced::before, .tl-mk.k-shadow-introduced::before { background: var(--ok); }
.tl-mk.k-handover::before { background: var(--pc); box-shadow: 0 0 0 2px color-mix(in srgb, var(--pc) 35%, transparent); }
.tl-mk.k-dropped::before, .tl-mk.k-shadow-freed::before { background: var(--orig); }
.tl-mk.k-shadow-leaked-mark::before { background: var(--err); }
.tl-mk.dim, .tl-iv.dim { opacity: .25; }

/* Bottom: details + transcript */
.tl-bottom { flex: none; display: grid; grid-template-columns: minmax(0, 1.3fr) minmax(0, 1fr); height: 28vh; min-height: 160px; border-top: 1px solid var(--border); }
.tl-details, .tl-transcript { overflow: auto; padding: 10px 14px; }
.tl-details { border-right: 1px solid var(--border); background: var(--bg); }
.d-head { display: flex; flex-wrap: wrap; align-items: baseline; gap: 6px 12px; margin-bottom: 8px; }
.d-step { font-weight: 700; }
.d-time { font: 12px var(--mono); color: var(--muted); }
.d-cmd { font: 12px var(--mono); padding: 1px 6px; border-radius: 4px; background: var(--panel2); border: 1px solid var(--border); }
.d-cmd.failed { border-color: var(--err); }
.d-line { color: var(--muted); font-size: 12px; }
.d-events { list-style: none; margin: 0; padding: 0; }
.d-ev { display: flex; flex-wrap: wrap; align-items: baseline; gap: 4px 8px; padding: 3px 0; border-bottom: 1px solid var(--grid); }
.d-kind { flex: none; font: 10.5px var(--mono); padding: 0 5px; border-radius: 3px; background: var(--panel2); color: var(--muted); border: 1px solid var(--border); }
.d-text { font: 12px var(--mono); word-break: break-word; }
.d-ev.k-failure .d-text, .d-ev.k-output .d-text { color: var(--fg); }
.d-ev.k-failure .d-kind { color: var(--err); border-color: var(--err); }
.d-sub { margin: 12px 0 4px; font-size: 10.5px; font-weight: 700; text-transform: uppercase; letter-spacing: .08em; color: var(--muted); }
.d-runs { list-style: none; margin: 0; padding: 0; display: grid; grid-template-columns: auto auto 1fr; gap: 2px 12px; }
.d-runs li { display: contents; }
.d-runs .fn { font: 600 12px var(--mono); }
.d-runs .obj { color: var(--muted); font-size: 11.5px; }
.d-runs .runs { font: 12px var(--mono); }
.d-note { margin-top: 10px; font-size: 11.5px; }
.tl-src { border: 1px solid var(--border); background: var(--btn-bg); color: var(--accent); border-radius: 4px; padding: 0 6px; font: 11px var(--mono); cursor: pointer; }
.tl-src .role { color: var(--muted); margin-right: 5px; }
.tl-src:hover { background: var(--btn-hover); }
.tl-muted { color: var(--muted); }
.tl-transcript { background: var(--panel); }
.t-head { font-size: 10.5px; font-weight: 700; text-transform: uppercase; letter-spacing: .08em; color: var(--muted); margin-bottom: 6px; }
.t-lines { font: 12px/1.55 var(--mono); }
.t-line { white-space: pre-wrap; word-break: break-all; padding: 0 6px; border-left: 2px solid transparent; cursor: pointer; border-radius: 2px; }
.t-line:hover { background: var(--btn-bg); }
.t-line.cmd { color: var(--accent); font-weight: 700; margin-top: 4px; }
.t-line.debug { color: var(--muted); }
.t-line.error { color: var(--err); }
.t-line.current { background: color-mix(in srgb, var(--focus) 18%, transparent); border-left-color: var(--focus); }

/* Hover card, status */
.tl-tooltip { position: fixed; z-index: 50; max-width: 460px; padding: 8px 10px; border-radius: 6px; background: var(--tip-bg); border: 1px solid var(--tip-border); box-shadow: 0 6px 22px rgba(0, 0, 0, .35); pointer-events: none; font-size: 12px; }
.tt-title { font-weight: 700; margin-bottom: 4px; word-break: break-word; }
.tt-line { font: 11.5px/1.45 var(--mono); word-break: break-word; }
.tt-src { font: 11px var(--mono); color: var(--accent); margin-top: 2px; }
.tt-hint, .tt-meta { margin-top: 6px; color: var(--muted); font-size: 11px; }
.tl-status, .tl-busy { position: fixed; right: 14px; bottom: 14px; z-index: 60; padding: 6px 12px; border-radius: 6px; background: var(--tip-bg); border: 1px solid var(--tip-border); font: 12px var(--mono); opacity: 0; transition: opacity .15s; pointer-events: none; }
.tl-status.show, .tl-busy.show { opacity: 1; }
.tl-sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }

/* Narrow panels (an editor column): stacked bottom panels, no sub-labels */
.compact .tl-label .sub { display: none; }
.compact .tl-label.child { padding-left: 20px; }
/* Half a screen or less: the lanes keep most of the height (details and transcript scroll). */
.compact .tl-bottom { grid-template-columns: minmax(0, 1fr); grid-template-rows: minmax(0, 1fr) minmax(0, 1fr); height: 32vh; min-height: 140px; }
.compact .tl-toolbar { padding: 6px 10px 5px; gap: 5px 10px; }
.compact .tl-details { border-right: 0; border-bottom: 1px solid var(--border); }
.compact .tl-filter { width: 150px; }
.compact .tl-meta { display: none; }

body.vscode-high-contrast .tl-iv, body.vscode-high-contrast-light .tl-iv { border-width: 2px; }
body.vscode-high-contrast .tl-mk::before { border: 1px solid var(--fg); }
@media (forced-colors: active) { .tl-iv, .tl-mk::before { forced-color-adjust: none; } }
@media (prefers-reduced-motion: reduce) { * { transition: none !important; } }
`;
