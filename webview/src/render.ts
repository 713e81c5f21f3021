// The timeline view: draws a TimelineModel (layout.ts) as DOM — toolbar, a scrolling grid of
// lanes under a sticky axis of commands and virtual time, a step cursor, hover cards, a
// details panel and the transcript — and handles keyboard stepping, filtering and zoom.
// Host differences (VS Code webview or exported HTML file) come in through `TimelineHost`.
import type { SimEvent, SourceRef } from '../../core/src/sim/events';
import {
  describe,
  implText,
  Item,
  Lane,
  layoutTimeline,
  SECTION_TITLES,
  SectionId,
  TimelineInput,
  TimelineModel,
} from './layout';
import { append, clear, h, place } from './dom';

export interface ViewState {
  zoom?: number;
  slot: number;
  filter: string;
  hidden: string[];
  debug: boolean;
}

export interface TimelineHost {
  mode: 'vscode' | 'export';
  /** Jump to a definition (VS Code) — or say where it is (export). */
  openSource(ref: SourceRef): void;
  saveState(state: ViewState): void;
  /** VS Code only: export the current run as HTML. */
  exportHtml?: () => void;
}

const LABEL_W = 236;
/** Narrow panels (a VS Code editor column) get a narrower label column. */
const LABEL_W_NARROW = 156;
const AXIS_H = 48;
const SECTION_H = 24;
const MIN_ZOOM = 4;
const MAX_ZOOM = 120;

const LANE_H: Record<SectionId, number> = {
  system: 24, patches: 28, functions: 36, tasks: 24, states: 24, shadow: 22, modules: 22,
};

const SOURCE_ROLE_FOR: Record<SectionId, SourceRef['role'][]> = {
  system: ['scenario'], patches: ['patch'], functions: ['func', 'new_func'], tasks: ['scenario'], states: ['state'], shadow: [], modules: [],
};

const GLYPH: Partial<Record<Item['kind'], string>> = {
  signal: 'S', force: 'F', reverse: 'R', cancel: 'C', failure: '✕', warning: '!', error: '✕', note: 'i',
  introduced: '+', handover: '⇄', dropped: '−', 'shadow-introduced': '+', 'shadow-freed': '−', 'shadow-leaked-mark': '!',
  exited: '×', 'task-change': '~', 'module-apply': '·', unloaded: '⏏',
};

function fmtTime(a: number, b: number): string {
  return a === b ? `${a}s` : `${a}–${b}s`;
}

function sourceText(r: SourceRef): string {
  return `${r.file}:${r.range.start.line + 1}`;
}

export class TimelineView {
  private model: TimelineModel | undefined;
  private input: TimelineInput | undefined;
  private state: ViewState = { slot: 0, filter: '', hidden: [], debug: true };
  private zoom = 16;
  private labelW = LABEL_W;
  private readonly els: {
    toolbar: HTMLElement; title: HTMLElement; meta: HTMLElement; pos: HTMLElement; chips: HTMLElement; filter: HTMLInputElement;
    main: HTMLElement; grid: HTMLElement; details: HTMLElement; transcript: HTMLElement; tooltip: HTMLElement; live: HTMLElement; errors: HTMLElement;
  };
  private itemEls = new Map<number, HTMLElement>();
  private slotItems = new Map<number, number[]>();
  private visibleLaneIds = new Set<string>();
  private cursor: HTMLElement | undefined;
  private lineEls: HTMLElement[] = [];
  private hoverId: number | undefined;

  constructor(private readonly root: HTMLElement, private readonly host: TimelineHost) {
    clear(root);
    root.classList.add('klp-tl', `mode-${host.mode}`);
    const title = h('h1', { class: 'tl-title' });
    const meta = h('span', { class: 'tl-meta' });
    const pos = h('span', { class: 'tl-pos', 'aria-live': 'off' });
    const filter = h('input', { type: 'search', class: 'tl-filter', placeholder: 'Filter patch, function, task…  ( / )', 'aria-label': 'Filter lanes by patch, function or task name' });
    const chips = h('div', { class: 'tl-chips', role: 'group', 'aria-label': 'Show or hide patches' });
    const btn = (id: string, text: string, label: string) => h('button', { type: 'button', class: `tl-btn tl-${id}`, 'data-act': id, title: label, 'aria-label': label }, text);
    const toolbar = h('header', { class: 'tl-toolbar' },
      h('div', { class: 'tl-brand' }, h('span', { class: 'tl-logo', 'aria-hidden': 'true' }, 'klp'), title, meta),
      h('div', { class: 'tl-controls' },
        h('div', { class: 'tl-group', role: 'group', 'aria-label': 'Step through events' },
          btn('first', '⇤', 'First step (Home)'), btn('prev', '◀', 'Previous step (←)'), pos, btn('next', '▶', 'Next step (→)'), btn('last', '⇥', 'Last step (End)')),
        filter,
        h('div', { class: 'tl-group', role: 'group', 'aria-label': 'Zoom' },
          btn('zoom-out', '−', 'Zoom out (-)'), btn('zoom-fit', 'Fit', 'Fit to width (0)'), btn('zoom-in', '+', 'Zoom in (+)')),
        h('label', { class: 'tl-check' }, h('input', { type: 'checkbox', class: 'tl-debug', checked: true }), ' debug lines'),
        host.exportHtml ? btn('export', 'Export HTML', 'Export this timeline as a standalone HTML file') : undefined),
      chips);
    const grid = h('div', { class: 'tl-grid' });
    const main = h('main', { class: 'tl-main', tabindex: 0, role: 'application', 'aria-roledescription': 'timeline', 'aria-label': 'Timeline. Left and right arrows step through events; Shift+arrows jump between commands; Enter opens the source.' }, grid);
    const details = h('section', { class: 'tl-details', 'aria-label': 'Details of the current step' });
    const transcript = h('section', { class: 'tl-transcript', 'aria-label': 'Transcript' });
    const tooltip = h('div', { class: 'tl-tooltip', role: 'tooltip', hidden: true });
    const live = h('div', { class: 'tl-sr', 'aria-live': 'polite' });
    const errors = h('div', { class: 'tl-errors', hidden: true, role: 'alert' });
    append(root, toolbar, errors, main, h('div', { class: 'tl-bottom' }, details, transcript), tooltip, live);
    this.els = { toolbar, title, meta, pos, chips, filter, main, grid, details, transcript, tooltip, live, errors };
    this.wire();
  }

  setInput(input: TimelineInput, state?: Partial<ViewState>): void {
    this.input = input;
    this.model = layoutTimeline(input);
    const keep = state ?? {};
    this.state = {
      slot: Math.min(Math.max(0, keep.slot ?? this.state.slot ?? 0), Math.max(0, this.model.slots.length - 1)),
      filter: keep.filter ?? this.state.filter ?? '',
      hidden: (keep.hidden ?? this.state.hidden ?? []).filter((p) => this.model!.patches.includes(p)),
      debug: keep.debug ?? this.state.debug ?? true,
      zoom: keep.zoom,
    };
    this.els.filter.value = this.state.filter;
    (this.root.querySelector('.tl-debug') as HTMLInputElement).checked = this.state.debug;
    this.els.title.textContent = input.title;
    const m = this.model;
    const last = m.slots[m.slots.length - 1];
    const end = input.events.find((e) => e.kind === 'end');
    this.els.meta.textContent = `${m.commands.length} commands · ${m.slots.length} steps · ${last ? last.timeEnd : 0}s virtual${input.exitStatus ? ` · exit status ${input.exitStatus}` : ''}${end && end.kind === 'end' && end.transition ? ` · ${end.transition} still in transition` : ''}`;
    const errs = [...m.errors];
    clear(this.els.errors);
    this.els.errors.hidden = errs.length === 0;
    if (errs.length) append(this.els.errors, h('strong', {}, 'The scenario could not run:'), h('ul', {}, ...errs.map((e) => h('li', {}, e))));
    this.renderChips();
    this.renderTranscript();
    this.zoom = keep.zoom ?? this.fitZoom();
    this.renderGrid();
    this.select(this.state.slot, { scroll: true, announce: false });
  }

  /**
   * The current view state (for VS Code's webview state and tests). `zoom` only when the user
   * chose one: a fitted zoom is not kept, so a restored or refreshed view fits its width again.
   */
  viewState(): ViewState {
    return { ...this.state, zoom: this.state.zoom };
  }

  /** The zoom in use (pixels per step), fitted or chosen. */
  currentZoom(): number {
    return this.zoom;
  }

  // -------------------------------------------------------------------------------------
  // Events

  private wire(): void {
    this.root.addEventListener('click', (ev) => {
      const t = ev.target as HTMLElement;
      const act = t.closest('[data-act]')?.getAttribute('data-act');
      if (act) { this.action(act); return; }
      const chip = t.closest('[data-patch-chip]');
      if (chip) { this.togglePatch(Number(chip.getAttribute('data-patch-chip'))); return; }
      const src = t.closest('[data-src]');
      if (src) { this.openSourceById(src.getAttribute('data-src')!); return; }
      const line = t.closest('[data-line-slot]');
      if (line) { this.select(Number(line.getAttribute('data-line-slot')), { scroll: true, announce: true }); return; }
      const item = t.closest('[data-item]');
      if (item) {
        const it = this.model?.items[Number(item.getAttribute('data-item'))];
        if (it) {
          this.select(it.start, { scroll: false, announce: true });
          if (it.sources.length) this.host.openSource(it.sources[0]);
        }
        return;
      }
      const lane = t.closest('[data-lane-src]');
      if (lane) { this.openLaneSource(lane.getAttribute('data-lane-src')!); return; }
      const col = t.closest('.tl-track, .tl-axis-steps');
      if (col && this.model) {
        const rect = col.getBoundingClientRect();
        const slot = Math.floor((ev.clientX - rect.left) / this.zoom);
        if (slot >= 0 && slot < this.model.slots.length) this.select(slot, { scroll: false, announce: true });
      }
    });
    this.els.filter.addEventListener('input', () => {
      this.state.filter = this.els.filter.value;
      this.renderGrid();
      this.select(this.state.slot, { scroll: false, announce: false });
    });
    this.root.querySelector('.tl-debug')!.addEventListener('change', (ev) => {
      this.state.debug = (ev.target as HTMLInputElement).checked;
      this.renderTranscript();
      this.select(this.state.slot, { scroll: false, announce: false });
    });
    this.els.main.addEventListener('keydown', (ev) => this.onKey(ev));
    this.root.ownerDocument.addEventListener('keydown', (ev) => {
      const t = ev.target as HTMLElement;
      if (t === this.els.filter) {
        if (ev.key === 'Escape') { this.els.filter.value = ''; this.els.filter.dispatchEvent(new Event('input')); this.els.main.focus(); }
        if (ev.key === 'Enter' || ev.key === 'ArrowDown') { ev.preventDefault(); this.els.main.focus(); }
        return;
      }
      if (ev.key === '/' && !(t instanceof HTMLInputElement)) { ev.preventDefault(); this.els.filter.focus(); }
    });
    this.els.main.addEventListener('wheel', (ev) => {
      if (!ev.ctrlKey && !ev.metaKey) return;
      ev.preventDefault();
      const rect = this.els.main.getBoundingClientRect();
      this.setZoom(this.zoom * (ev.deltaY < 0 ? 1.25 : 0.8), ev.clientX - rect.left);
    }, { passive: false });
    this.els.main.addEventListener('mouseover', (ev) => {
      const el = (ev.target as HTMLElement).closest('[data-phase], [data-item], [data-lane-tip]') as HTMLElement | null;
      if (!el) { this.hideTip(); return; }
      this.showTip(el, ev.clientX, ev.clientY);
    });
    this.els.main.addEventListener('mousemove', (ev) => {
      if (!this.els.tooltip.hidden) this.moveTip(ev.clientX, ev.clientY);
    });
    this.els.main.addEventListener('mouseleave', () => this.hideTip());
    this.els.main.addEventListener('scroll', () => this.hideTip());
    // Lay out again when the timeline's own box changes width (the panel widened or narrowed,
    // the editor group split): a fitted zoom is refitted, the label column follows the width.
    const w = this.root.ownerDocument.defaultView;
    let pending = 0;
    let lastWidth = this.root.clientWidth;
    const relayout = () => {
      pending = 0;
      const width = this.root.clientWidth;
      if (!this.model || width === lastWidth) return;
      lastWidth = width;
      if (this.state.zoom === undefined) this.zoom = this.fitZoom();
      this.renderGrid();
      this.select(this.state.slot, { scroll: true, announce: false });
    };
    const schedule = () => {
      if (!w) return;
      if (pending) w.clearTimeout(pending);
      pending = w.setTimeout(relayout, 60);
    };
    if (w && typeof w.ResizeObserver === 'function') new w.ResizeObserver(schedule).observe(this.root);
    else w?.addEventListener('resize', schedule);
  }

  private action(act: string): void {
    const m = this.model;
    if (!m) return;
    switch (act) {
      case 'first': this.select(this.stepFrom(-1, 1), { scroll: true, announce: true }); break;
      case 'last': this.select(this.stepFrom(m.slots.length, -1), { scroll: true, announce: true }); break;
      case 'prev': this.step(-1); break;
      case 'next': this.step(1); break;
      case 'zoom-in': this.setZoom(this.zoom * 1.5); break;
      case 'zoom-out': this.setZoom(this.zoom / 1.5); break;
      case 'zoom-fit': this.state.zoom = undefined; this.setZoom(this.fitZoom(), undefined, true); break;
      case 'export': this.host.exportHtml?.(); break;
    }
  }

  private onKey(ev: KeyboardEvent): void {
    const m = this.model;
    if (!m) return;
    let handled = true;
    switch (ev.key) {
      case 'ArrowRight': case 'j': if (ev.shiftKey) this.jumpCommand(1); else this.step(1); break;
      case 'ArrowLeft': case 'k': if (ev.shiftKey) this.jumpCommand(-1); else this.step(-1); break;
      case 'PageDown': this.step(10); break;
      case 'PageUp': this.step(-10); break;
      case 'Home': this.action('first'); break;
      case 'End': this.action('last'); break;
      case '+': case '=': this.action('zoom-in'); break;
      case '-': case '_': this.action('zoom-out'); break;
      case '0': this.action('zoom-fit'); break;
      case 'Enter': case ' ': {
        const src = this.slotSources(this.state.slot)[0];
        if (src) this.host.openSource(src);
        break;
      }
      case 'Escape': this.hideTip(); break;
      default: handled = false;
    }
    if (handled) ev.preventDefault();
  }

  // -------------------------------------------------------------------------------------
  // Stepping

  private isVisibleStep(slot: number): boolean {
    if (!this.filtering()) return true;
    if (this.model!.commands.some((c) => c.start === slot)) return true;
    return (this.slotItems.get(slot) ?? []).some((id) => this.visibleLaneIds.has(this.model!.items[id].lane));
  }

  private stepFrom(from: number, dir: 1 | -1): number {
    const n = this.model!.slots.length;
    for (let s = from + dir; s >= 0 && s < n; s += dir) if (this.isVisibleStep(s)) return s;
    return Math.min(Math.max(from, 0), n - 1);
  }

  private step(delta: number): void {
    let s = this.state.slot;
    const dir = delta > 0 ? 1 : -1;
    for (let i = 0; i < Math.abs(delta); i++) s = this.stepFrom(s, dir);
    this.select(s, { scroll: true, announce: true });
  }

  private jumpCommand(dir: 1 | -1): void {
    const cs = this.model!.commands;
    const cur = this.state.slot;
    const target = dir > 0 ? cs.find((c) => c.start > cur) : [...cs].reverse().find((c) => c.start < cur);
    if (target) this.select(target.start, { scroll: true, announce: true });
  }

  select(slot: number, opts: { scroll: boolean; announce: boolean }): void {
    const m = this.model;
    if (!m || m.slots.length === 0) { this.renderDetails(); return; }
    slot = Math.min(Math.max(0, slot), m.slots.length - 1);
    for (const id of this.slotItems.get(this.state.slot) ?? []) this.itemEls.get(id)?.classList.remove('at-cursor');
    this.state.slot = slot;
    for (const id of this.slotItems.get(slot) ?? []) this.itemEls.get(id)?.classList.add('at-cursor');
    if (this.cursor) place(this.cursor, this.labelW + slot * this.zoom, Math.max(2, this.zoom));
    const s = m.slots[slot];
    this.els.pos.textContent = `${slot + 1} / ${m.slots.length}`;
    this.renderDetails();
    for (const el of this.lineEls) el.classList.toggle('current', Number(el.getAttribute('data-line-slot')) === slot);
    const first = this.lineEls.find((el) => Number(el.getAttribute('data-line-slot')) >= slot);
    if (opts.scroll && first) {
      const box = this.els.transcript;
      const top = first.offsetTop - box.offsetTop;
      if (top < box.scrollTop || top > box.scrollTop + box.clientHeight - 40) box.scrollTop = Math.max(0, top - box.clientHeight / 3);
    }
    if (opts.scroll) this.scrollToSlot(slot);
    if (opts.announce) this.els.live.textContent = `Step ${slot + 1} of ${m.slots.length}, ${fmtTime(s.time, s.timeEnd)}: ${s.label}`;
    this.els.main.setAttribute('aria-activedescendant', `tl-step-${slot}`);
    this.host.saveState(this.viewState());
  }

  private scrollToSlot(slot: number): void {
    const main = this.els.main;
    const x = this.labelW + slot * this.zoom;
    const viewL = main.scrollLeft + this.labelW + 24;
    const viewR = main.scrollLeft + main.clientWidth - 24;
    if (x < viewL || x + this.zoom > viewR) main.scrollLeft = Math.max(0, x - this.labelW - (main.clientWidth - this.labelW) / 3);
  }

  // -------------------------------------------------------------------------------------
  // Zoom and filter

  private updateLabelWidth(): void {
    this.labelW = (this.root.clientWidth || 1024) < 820 ? LABEL_W_NARROW : LABEL_W;
    this.root.classList.toggle('compact', this.labelW === LABEL_W_NARROW);
  }

  private fitZoom(): number {
    this.updateLabelWidth();
    const n = this.model?.slots.length ?? 1;
    const width = (this.els.main.clientWidth || 1024) - this.labelW - 28;
    // Up to MAX_ZOOM: a short run at full width fills the width instead of leaving it empty.
    return Math.max(MIN_ZOOM, Math.min(MAX_ZOOM, Math.floor((width / Math.max(1, n)) * 100) / 100));
  }

  private setZoom(z: number, anchorX?: number, fit = false): void {
    const main = this.els.main;
    const old = this.zoom;
    const nz = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, z));
    const ax = anchorX ?? (this.labelW + this.state.slot * old - main.scrollLeft);
    const slotAtAnchor = (main.scrollLeft + ax - this.labelW) / old;
    this.zoom = nz;
    if (!fit) this.state.zoom = nz;
    this.renderGrid();
    main.scrollLeft = Math.max(0, this.labelW + slotAtAnchor * nz - ax);
    this.select(this.state.slot, { scroll: false, announce: false });
  }

  private filtering(): boolean {
    return this.state.filter.trim() !== '' || this.state.hidden.length > 0;
  }

  private laneVisible(l: Lane): boolean {
    if (l.patches.length && l.patches.every((p) => this.state.hidden.includes(p))) return false;
    const q = this.state.filter.trim().toLowerCase();
    if (!q) return true;
    const hay = [l.label, l.sub ?? '', ...l.patches, l.func ?? ''].join('\n').toLowerCase();
    return q.split(/\s+/).every((w) => hay.includes(w));
  }

  private togglePatch(i: number): void {
    const p = this.model?.patches[i];
    if (p === undefined) return;
    const hidden = new Set(this.state.hidden);
    if (hidden.has(p)) hidden.delete(p); else hidden.add(p);
    this.state.hidden = [...hidden];
    this.renderChips();
    this.renderGrid();
    this.select(this.state.slot, { scroll: false, announce: false });
  }

  private renderChips(): void {
    const m = this.model!;
    clear(this.els.chips);
    m.patches.forEach((p, i) => {
      const on = !this.state.hidden.includes(p);
      this.els.chips.appendChild(h('button', { type: 'button', class: `tl-chip pc-${i % 8}${on ? '' : ' off'}`, 'data-patch-chip': i, 'aria-pressed': String(on), title: `${on ? 'Hide' : 'Show'} ${p}` }, h('span', { class: 'sw', 'aria-hidden': 'true' }), p));
    });
  }

  // -------------------------------------------------------------------------------------
  // Grid

  private colorClass(patch: string | undefined): string {
    if (patch === undefined) return 'pc-none';
    const i = this.model!.patches.indexOf(patch);
    return i < 0 ? 'pc-none' : `pc-${i % 8}`;
  }

  private renderGrid(): void {
    const m = this.model;
    const grid = this.els.grid;
    clear(grid);
    this.itemEls.clear();
    this.slotItems.clear();
    this.visibleLaneIds.clear();
    if (!m) return;
    this.updateLabelWidth();
    const w = this.zoom;
    const trackW = Math.max(1, m.slots.length) * w + 24;
    grid.classList.toggle('narrow', w < 12);
    grid.classList.toggle('wide', w >= 36);

    // Axis: command bands, steps, time.
    const axis = h('div', { class: 'tl-axis' });
    const corner = h('div', { class: 'tl-corner' }, h('span', {}, 'commands'), h('span', {}, 'time'));
    corner.style.width = `${this.labelW}px`;
    const cmds = h('div', { class: 'tl-axis-cmds' });
    const steps = h('div', { class: 'tl-axis-steps' });
    place(cmds, this.labelW, trackW);
    place(steps, this.labelW, trackW);
    for (const c of m.commands) {
      const el = h('div', { class: `tl-cmd${c.failed ? ' failed' : ''}`, 'data-line-slot': c.start, title: `line ${c.scenarioLine}: ${c.text}${c.failed ? ' (failed)' : ''}` },
        h('span', { class: 'verb' }, c.verb), h('span', { class: 'rest' }, c.text.slice(c.verb.length)));
      place(el, c.start * w, Math.max(2, (c.end - c.start) * w - 2));
      cmds.appendChild(el);
    }
    let lastTime = -1;
    let lastLabelX = -100;
    m.slots.forEach((s) => {
      const id = `tl-step-${s.index}`;
      const tick = h('div', { class: `tl-tick${s.time !== lastTime ? ' t-change' : ''}`, id, role: 'option', 'aria-label': `Step ${s.index + 1}: ${s.label}` });
      place(tick, s.index * w, w);
      if (s.time !== lastTime || s.timeEnd !== s.time) {
        const x = s.index * w;
        if (x - lastLabelX >= 34) {
          tick.appendChild(h('span', { class: 'tl-time' }, fmtTime(s.time, s.timeEnd)));
          lastLabelX = x;
        }
      }
      lastTime = s.timeEnd;
      steps.appendChild(tick);
    });
    append(axis, corner, cmds, steps);
    axis.style.width = `${this.labelW + trackW}px`;
    grid.appendChild(axis);

    // Background: command separators.
    const body = h('div', { class: 'tl-body' });
    const bg = h('div', { class: 'tl-bg', 'aria-hidden': 'true' });
    place(bg, this.labelW, trackW);
    for (const c of m.commands) {
      const sep = h('div', { class: `tl-sep${c.failed ? ' failed' : ''}` });
      place(sep, c.start * w);
      bg.appendChild(sep);
    }
    body.appendChild(bg);

    let y = 0;
    const lanes = m.lanes.filter((l) => this.laneVisible(l));
    let section: SectionId | undefined;
    for (const l of lanes) {
      this.visibleLaneIds.add(l.id);
      if (l.section !== section) {
        section = l.section;
        const hdr = h('div', { class: 'tl-section' }, h('span', { class: 'tl-section-title' }, SECTION_TITLES[section]));
        hdr.style.height = `${SECTION_H}px`;
        body.appendChild(hdr);
        y += SECTION_H;
      }
      const lh = l.child ? 20 : LANE_H[l.section];
      const row = this.renderLane(l, lh, trackW);
      body.appendChild(row);
      y += lh;
    }
    if (lanes.length === 0) {
      body.appendChild(h('div', { class: 'tl-empty' }, m.slots.length ? 'No lane matches the filter.' : 'No events.'));
      y += 40;
    }
    bg.style.height = `${y}px`;
    this.cursor = h('div', { class: 'tl-cursor', 'aria-hidden': 'true' });
    this.cursor.style.height = `${y + AXIS_H}px`;
    place(this.cursor, this.labelW + this.state.slot * w, Math.max(2, w));
    grid.appendChild(body);
    grid.appendChild(this.cursor);
    grid.style.width = `${this.labelW + trackW}px`;
    grid.style.height = `${y + AXIS_H}px`;
  }

  private renderLane(l: Lane, height: number, trackW: number): HTMLElement {
    const w = this.zoom;
    const patchClass = l.section === 'patches' && !l.child ? ` ${this.colorClass(l.patches[0])}` : '';
    const src = l.sources.find((s) => SOURCE_ROLE_FOR[l.section].includes(s.role)) ?? l.sources[0];
    const label = h(src ? 'button' : 'div', {
      class: `tl-label${l.child ? ' child' : ''}${patchClass}${src ? ' has-src' : ''}`,
      'data-lane-src': src ? l.id : undefined,
      'data-lane-tip': l.id,
      type: src ? 'button' : undefined,
      title: src ? `Go to ${sourceText(src)}` : undefined,
    },
    l.section === 'patches' && !l.child ? h('span', { class: 'sw', 'aria-hidden': 'true' }) : undefined,
    h('span', { class: 'name' }, l.label),
    l.sub ? h('span', { class: 'sub' }, l.sub) : undefined);
    label.style.width = `${this.labelW}px`;
    const track = h('div', { class: 'tl-track' });
    track.style.width = `${trackW}px`;
    for (const it of l.items) {
      const el = it.marker ? this.renderMarker(it, l, height) : this.renderInterval(it, l, height);
      track.appendChild(el);
      this.itemEls.set(it.id, el);
      const list = this.slotItems.get(it.start) ?? [];
      list.push(it.id);
      this.slotItems.set(it.start, list);
      if (it.patch && this.state.hidden.includes(it.patch)) el.classList.add('dim');
    }
    const row = h('div', { class: `tl-row sec-${l.section}${l.child ? ' child' : ''}`, 'data-lane': l.id }, label, track);
    row.style.height = `${height}px`;
    void w;
    return row;
  }

  private renderInterval(it: Item, l: Lane, height: number): HTMLElement {
    const w = this.zoom;
    const width = Math.max(2, (it.end - it.start) * w - 1);
    const cls = ['tl-iv', `k-${it.kind}`, this.colorClass(it.patch)];
    if (it.forced) cls.push('forced');
    let el: HTMLElement;
    if (it.kind === 'impl' && it.behindImpl) {
      const top = h('div', { class: `band new ${this.implClass(it.impl)}` }, h('span', { class: 'lbl' }, this.implShort(it.impl)));
      const bot = h('div', { class: `band old ${this.implClass(it.behindImpl)}` });
      (it.phases ?? []).forEach((ph, i) => {
        const p = ph.progress;
        const sleepers = p.behind.filter((t) => t.reason === 'sleeping-on' && t.function === l.func);
        const others = p.behind.filter((t) => !sleepers.includes(t));
        const names = [...sleepers.map((t) => `‖ ${t.task}`), ...others.map((t) => t.task)];
        const seg = h('div', { class: `ph${sleepers.length ? ' sleeper' : ''}${i ? ' next' : ''}`, 'data-item': it.id, 'data-phase': i },
          h('span', { class: 'lbl' }, `${this.implShort(it.behindImpl)}${names.length ? ` · behind: ${names.join(', ')}` : p.othersBehind ? ' · other tasks behind' : ''}`),
          h('span', { class: 'badge' }, p.total ? `${p.switched}/${p.total} new` : p.othersBehind ? 'migrating' : 'all new'));
        place(seg, (ph.start - it.start) * w, Math.max(1, (ph.end - ph.start) * w - (i === (it.phases!.length - 1) ? 1 : 0)));
        bot.appendChild(seg);
      });
      el = h('div', { class: [...cls, 'split'].join(' '), 'data-item': it.id }, top, bot);
    } else if (it.kind === 'impl') {
      cls.push(this.implClass(it.impl));
      el = h('div', { class: cls.join(' '), 'data-item': it.id }, h('span', { class: 'lbl' }, this.implShort(it.impl)));
    } else {
      el = h('div', { class: cls.join(' '), 'data-item': it.id }, h('span', { class: 'lbl' }, it.label), it.forced ? h('span', { class: 'tag-forced' }, 'forced') : undefined);
    }
    place(el, it.start * w, width);
    void height;
    return el;
  }

  private implClass(v: Item['impl']): string {
    if (!v || v.kind === 'original') return 'impl-orig';
    return `impl-${v.kind} ${this.colorClass(v.patch)}`;
  }

  private implShort(v: Item['impl']): string {
    if (!v || v.kind === 'original') return 'original';
    if (v.kind === 'nop') return `original · NOP ${v.patch}`;
    return `${v.newFunc ?? '?'} · ${v.patch}`;
  }

  private renderMarker(it: Item, _l: Lane, _height: number): HTMLElement {
    const w = this.zoom;
    const glyph = GLYPH[it.kind] ?? '';
    const cls = ['tl-mk', `k-${it.kind}`, this.colorClass(it.patch)];
    const el = h('div', { class: cls.join(' '), 'data-item': it.id, role: 'img', 'aria-label': it.title },
      h('span', { class: 'g', 'aria-hidden': 'true' }, glyph),
      it.label && w >= 30 && it.kind !== 'retry' ? h('span', { class: 'ml' }, it.label) : undefined,
      it.count && it.count > 1 && it.kind !== 'blocked' ? h('span', { class: 'cnt' }, `×${it.count}`) : undefined);
    place(el, it.start * w + w / 2);
    return el;
  }

  // -------------------------------------------------------------------------------------
  // Hover card

  private showTip(el: HTMLElement, x: number, y: number): void {
    const m = this.model!;
    const tip = this.els.tooltip;
    clear(tip);
    const laneId = el.getAttribute('data-lane-tip');
    if (laneId) {
      const l = m.lanes.find((x) => x.id === laneId);
      if (!l) return;
      append(tip, h('div', { class: 'tt-title' }, l.label), l.sub ? h('div', { class: 'tt-line' }, l.sub) : undefined,
        ...l.sources.slice(0, 4).map((s) => h('div', { class: 'tt-src' }, `${s.role}: ${sourceText(s)}`)),
        l.sources.length ? h('div', { class: 'tt-hint' }, this.host.mode === 'vscode' ? 'Click to go to the definition' : 'Definition location') : undefined);
      this.hoverId = undefined;
    } else {
      const id = Number(el.getAttribute('data-item'));
      const it = m.items[id];
      if (!it) return;
      this.hoverId = id;
      const s = m.slots[it.start];
      const range = it.marker ? `step ${it.start + 1}` : `steps ${it.start + 1}–${it.end}`;
      const evt: SimEvent | undefined = this.input?.events[it.seq];
      const phase = it.phases?.[Number(el.getAttribute('data-phase') ?? -1)];
      append(tip,
        h('div', { class: 'tt-title' }, it.title),
        ...it.detail.map((d) => h('div', { class: 'tt-line' }, d)),
        ...(phase ? phase.detail.map((d) => h('div', { class: 'tt-line tt-phase' }, d)) : []),
        it.count && it.count > 1 ? h('div', { class: 'tt-line' }, `repeated ${it.count} times`) : undefined,
        ...it.sources.slice(0, 3).map((r) => h('div', { class: 'tt-src' }, `${r.role}: ${sourceText(r)}`)),
        h('div', { class: 'tt-meta' }, `${range} · ${s ? fmtTime(s.time, s.timeEnd) : ''}${evt && evt.command >= 0 && m.commands.find((c) => c.index === evt.command) ? ` · % ${m.commands.find((c) => c.index === evt.command)!.text}` : ''}`));
    }
    tip.hidden = false;
    this.moveTip(x, y);
  }

  private moveTip(x: number, y: number): void {
    const tip = this.els.tooltip;
    const win = this.root.ownerDocument.defaultView!;
    const r = tip.getBoundingClientRect();
    let left = x + 14;
    let top = y + 16;
    if (left + r.width > win.innerWidth - 8) left = Math.max(8, x - r.width - 14);
    if (top + r.height > win.innerHeight - 8) top = Math.max(8, y - r.height - 12);
    place(tip, left, undefined, top);
  }

  private hideTip(): void {
    this.els.tooltip.hidden = true;
    this.hoverId = undefined;
  }

  /** Item id under the hover card (tests). */
  hovered(): number | undefined {
    return this.hoverId;
  }

  // -------------------------------------------------------------------------------------
  // Details and transcript

  private sourceIndex = new Map<string, SourceRef>();

  private srcButton(r: SourceRef): HTMLElement {
    const key = `s${this.sourceIndex.size}`;
    this.sourceIndex.set(key, r);
    return h('button', { type: 'button', class: 'tl-src', 'data-src': key, title: this.host.mode === 'vscode' ? `Go to ${r.role} in ${sourceText(r)}` : `${r.role} is defined at ${sourceText(r)}` }, h('span', { class: 'role' }, r.role), sourceText(r));
  }

  private openSourceById(key: string): void {
    const r = this.sourceIndex.get(key);
    if (r) this.host.openSource(r);
  }

  private openLaneSource(laneId: string): void {
    const l = this.model?.lanes.find((x) => x.id === laneId);
    if (!l) return;
    const src = l.sources.find((s) => SOURCE_ROLE_FOR[l.section].includes(s.role)) ?? l.sources[0];
    if (src) this.host.openSource(src);
  }

  private slotSources(slot: number): SourceRef[] {
    const m = this.model;
    if (!m || !this.input) return [];
    const out: SourceRef[] = [];
    for (const q of m.slots[slot]?.seqs ?? []) for (const s of this.input.events[q].sources ?? []) if (s.role !== 'scenario') out.push(s);
    for (const q of m.slots[slot]?.seqs ?? []) for (const s of this.input.events[q].sources ?? []) if (s.role === 'scenario') out.push(s);
    return out;
  }

  private renderDetails(): void {
    const m = this.model;
    const box = this.els.details;
    clear(box);
    this.sourceIndex.clear();
    if (!m || !this.input) return;
    const s = m.slots[this.state.slot];
    if (!s) { box.appendChild(h('p', { class: 'tl-muted' }, 'Nothing happened in this run.')); return; }
    const cmd = m.commands.find((c) => s.index >= c.start && s.index < c.end);
    append(box, h('div', { class: 'd-head' },
      h('span', { class: 'd-step' }, `Step ${s.index + 1} of ${m.slots.length}`),
      h('span', { class: 'd-time' }, `t = ${fmtTime(s.time, s.timeEnd)}`),
      cmd ? h('span', { class: `d-cmd${cmd.failed ? ' failed' : ''}` }, `% ${cmd.text}`) : h('span', { class: 'd-cmd' }, 'before the first command'),
      cmd && cmd.scenarioLine ? h('span', { class: 'd-line' }, `scenario line ${cmd.scenarioLine}`) : undefined));
    const list = h('ul', { class: 'd-events' });
    for (const q of s.seqs) {
      const e = this.input.events[q];
      if (e.kind === 'end') continue;
      const srcs = (e.sources ?? []).filter((r) => r.role !== 'scenario');
      list.appendChild(h('li', { class: `d-ev k-${e.kind}` },
        h('span', { class: 'd-kind' }, e.kind),
        h('span', { class: 'd-text' }, describe(e)),
        ...srcs.slice(0, 3).map((r) => this.srcButton(r))));
    }
    box.appendChild(list);
    // What runs at this step, for the visible function lanes.
    const fnLanes = m.lanes.filter((l) => l.section === 'functions' && this.visibleLaneIds.has(l.id));
    if (fnLanes.length) {
      const rows = fnLanes.map((l) => {
        const it = l.items.find((x) => !x.marker && x.start <= s.index && x.end > s.index);
        const runs = !it ? 'original code (not patched)' : it.behindImpl ? `${implText(it.impl)} — not yet migrated tasks: ${implText(it.behindImpl)}` : implText(it.impl);
        return h('li', {}, h('span', { class: 'fn' }, l.label), h('span', { class: 'obj' }, l.sub ?? ''), h('span', { class: 'runs' }, runs));
      });
      append(box, h('div', { class: 'd-sub' }, 'What runs now'), h('ul', { class: 'd-runs' }, ...rows));
    }
    if (this.host.mode === 'export') {
      const srcs = this.slotSources(s.index).filter((r) => r.role !== 'scenario');
      if (srcs.length) box.appendChild(h('div', { class: 'tl-muted d-note' }, 'Source locations are relative to the scenario; open them in your editor.'));
    }
  }

  private renderTranscript(): void {
    const m = this.model!;
    const box = this.els.transcript;
    clear(box);
    this.lineEls = [];
    box.appendChild(h('div', { class: 't-head' }, 'Transcript'));
    const pre = h('div', { class: 't-lines', role: 'list' });
    for (const t of m.transcript) {
      if (t.debug && !this.state.debug) continue;
      const el = h('div', { class: `t-line${t.kind === 'command' ? ' cmd' : ''}${t.debug ? ' debug' : ''}${t.error ? ' error' : ''}`, 'data-line-slot': t.slot, role: 'listitem' }, t.line);
      this.lineEls.push(el);
      pre.appendChild(el);
    }
    if (!m.transcript.length) pre.appendChild(h('div', { class: 'tl-muted' }, 'No output.'));
    box.appendChild(pre);
  }
}
