// The live leaderboard: virtualised (only the rows in view are in the DOM, so 100k rows scroll
// smoothly), filled page by page from the API, updated by socket deltas; a row keeps its DOM node
// while it moves, so a rank change animates (CSS transition on its transform).
import { h, replace } from "./dom";
import type { BoardCell, BoardRow, Leaderboard, LeaderboardDelta } from "./protocol";
import { ratingBadge } from "./rating";

export const ROW_PX = 36;
const OVERSCAN = 8;
const REFRESH_AFTER_DELTA_MS = 1500;

export interface BoardOptions {
  scoring: string; // pass-fail (ICPC) or score
  labels: string[];
  meId: number | null;
  fetchPage: (page: number) => Promise<Leaderboard>;
  label?: string;
}

export class BoardView {
  readonly el: HTMLElement;
  rows: (BoardRow | undefined)[] = [];
  me: BoardRow | null = null;
  frozen = false;
  private pageSize = 50;
  private readonly loading = new Set<number>();
  private readonly nodes = new Map<string, HTMLElement>();
  private readonly viewport: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly pinned: HTMLElement;
  private readonly status: HTMLElement;
  private frame = 0;
  private refreshTimer = 0;
  private disposed = false;
  private readonly resize: ResizeObserver;
  private labels: string[];
  private mineId: number | null;

  constructor(private readonly options: BoardOptions) {
    this.labels = options.labels;
    this.mineId = options.meId;
    this.spacer = h("div", { class: "board-spacer" });
    this.viewport = h("div", { class: "board-viewport", tabindex: 0, "aria-label": options.label ?? "Leaderboard" }, this.spacer);
    this.pinned = h("div", { class: "board-pinned", "aria-label": "My row" });
    this.status = h("div", { class: "board-status" });
    this.el = h("div", { class: "board", role: "table", "data-testid": "board" }, this.header(), this.pinned, this.viewport, this.status);
    this.viewport.addEventListener("scroll", () => this.schedule(), { passive: true });
    this.resize = new ResizeObserver(() => this.schedule());
    this.resize.observe(this.viewport);
  }

  /** Leaving the page: no more timers, frames, observers or fetches. */
  dispose(): void {
    this.disposed = true;
    this.resize.disconnect();
    clearTimeout(this.refreshTimer);
    cancelAnimationFrame(this.frame);
    this.frame = 0;
  }

  setLabels(labels: string[]): void {
    if (labels.join() === this.labels.join()) return;
    this.labels = labels;
    this.el.replaceChild(this.header(), this.el.firstChild as Node);
    this.nodes.forEach((n) => n.remove());
    this.nodes.clear();
    this.schedule();
  }

  /** A whole page from the API or a snapshot; the rest of the board is fetched as it scrolls in. */
  load(board: Leaderboard, reset = false): void {
    this.pageSize = board.page_size;
    this.frozen = board.frozen;
    if (reset) this.rows = [];
    this.rows.length = board.total;
    board.rows.forEach((row, i) => (this.rows[(board.page - 1) * board.page_size + i] = row));
    if (board.me) {
      this.me = board.me;
      // A team member's row is the team's (its first member's id): the server says which.
      this.mineId = board.me.user_id;
    } else if (reset) this.me = null;
    this.schedule();
  }

  applyDelta(delta: LeaderboardDelta): void {
    this.frozen = delta.frozen;
    const gone = new Set([...(delta.removed ?? []), ...delta.rows.map((r) => r.user_id)]);
    const kept: (BoardRow | undefined)[] = [];
    for (let i = 0; i < this.rows.length; i++) {
      const row = this.rows[i]; // a hole (a page not fetched) stays a hole
      if (row === undefined || !gone.has(row.user_id)) kept.push(row);
    }
    this.rows = kept;
    for (const row of [...delta.rows].sort((a, b) => a.rank - b.rank)) {
      this.rows.splice(Math.min(row.rank - 1, this.rows.length), 0, row);
    }
    this.rows.length = delta.total;
    this.rerank();
    for (const row of delta.rows) {
      if (row.user_id === this.mineId) this.me = row;
      this.nodes.get(`u${row.user_id}`)?.classList.add("changed");
    }
    if (this.me && delta.removed?.includes(this.me.user_id)) this.me = null;
    this.schedule();
    // Rows between a mover's old and new place shifted by one: refetch what is in view.
    clearTimeout(this.refreshTimer);
    if (!this.disposed) this.refreshTimer = window.setTimeout(() => this.refreshVisible(), REFRESH_AFTER_DELTA_MS);
  }

  /** Ranks from positions: equal keys share a rank. */
  private rerank(): void {
    let previous: BoardRow | undefined;
    for (let i = 0; i < this.rows.length; i++) {
      const row = this.rows[i];
      if (row === undefined) {
        previous = undefined;
        continue;
      }
      const rank = previous !== undefined && previous.key === row.key ? previous.rank : i + 1;
      if (rank !== row.rank) this.rows[i] = { ...row, rank };
      previous = this.rows[i];
    }
    if (this.me) {
      const mine = this.rows.find((r) => r?.user_id === this.me?.user_id);
      if (mine) this.me = mine;
    }
  }

  refreshVisible(): void {
    const [first, last] = this.range();
    const pages = new Set<number>();
    for (let i = first; i <= last; i++) pages.add(Math.floor(i / this.pageSize) + 1);
    pages.forEach((p) => this.fetch(p));
  }

  private fetch(page: number): void {
    if (this.disposed || this.loading.has(page)) return;
    this.loading.add(page);
    this.options
      .fetchPage(page)
      .then((board) => this.load(board))
      .catch(() => undefined)
      .finally(() => this.loading.delete(page));
  }

  private range(): [number, number] {
    const top = this.viewport.scrollTop;
    const height = this.viewport.clientHeight || 600;
    const first = Math.max(0, Math.floor(top / ROW_PX) - OVERSCAN);
    const last = Math.min(this.rows.length - 1, Math.ceil((top + height) / ROW_PX) + OVERSCAN);
    return [first, last];
  }

  schedule(): void {
    if (this.frame || this.disposed) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  private render(): void {
    this.spacer.style.height = `${this.rows.length * ROW_PX}px`;
    const [first, last] = this.range();
    const seen = new Set<string>();
    const missing = new Set<number>();
    for (let i = first; i <= last; i++) {
      const row = this.rows[i];
      const id = row ? `u${row.user_id}` : `p${i}`;
      seen.add(id);
      let node = this.nodes.get(id);
      const fresh = node === undefined;
      if (node === undefined) {
        node = h("div", { class: "row", role: "row" });
        node.style.transition = "none";
        this.nodes.set(id, node);
        this.spacer.appendChild(node);
      }
      if (row) this.fill(node, row);
      else {
        missing.add(Math.floor(i / this.pageSize) + 1);
        replace(node, h("span", { class: "c-rank" }, i + 1), h("span", { class: "c-who muted" }, "…"));
      }
      node.style.transform = `translateY(${i * ROW_PX}px)`;
      if (fresh) {
        const made = node;
        requestAnimationFrame(() => (made.style.transition = ""));
      }
    }
    for (const [id, node] of this.nodes) {
      if (!seen.has(id)) {
        node.remove();
        this.nodes.delete(id);
      }
    }
    missing.forEach((p) => this.fetch(p));
    if (this.me) {
      replace(this.pinned, this.fill(h("div", { class: "row me pinned", role: "row", "data-testid": "my-row" }), this.me));
    } else replace(this.pinned);
    this.status.textContent = `${this.rows.length} ${this.rows.length === 1 ? "contestant" : "contestants"}${this.frozen ? " · frozen: later submissions are pending" : ""}`;
  }

  private header(): HTMLElement {
    const icpc = this.options.scoring !== "score";
    return h(
      "div",
      { class: "row head", role: "row" },
      h("span", { class: "c-rank", role: "columnheader" }, "#"),
      h("span", { class: "c-who", role: "columnheader" }, "Contestant"),
      icpc ? h("span", { class: "c-num", role: "columnheader" }, "Solved") : null,
      icpc ? h("span", { class: "c-num", role: "columnheader" }, "Penalty") : h("span", { class: "c-num", role: "columnheader" }, "Score"),
      this.labels.map((l) => h("span", { class: "c-cell", role: "columnheader" }, l)),
    );
  }

  fill(node: HTMLElement, row: BoardRow): HTMLElement {
    const icpc = this.options.scoring !== "score";
    node.classList.toggle("me", row.user_id === this.mineId);
    node.dataset.user = String(row.user_id);
    node.dataset.rank = String(row.rank);
    replace(
      node,
      h("span", { class: "c-rank", role: "cell" }, row.rank),
      h("span", { class: "c-who", role: "cell", title: row.username }, row.username, " ", ratingBadge(row.rating)),
      icpc ? h("span", { class: "c-num", role: "cell" }, row.solved) : null,
      h("span", { class: "c-num", role: "cell" }, icpc ? row.penalty : formatScore(row.score)),
      this.labels.map((l) => cell(row.cells[l], icpc, l)),
    );
    return node;
  }
}

function formatScore(score: number): string {
  return Number.isInteger(score) ? String(score) : score.toFixed(2);
}

export function cell(c: BoardCell | undefined, icpc: boolean, label = ""): HTMLElement {
  const el = h("span", { class: "c-cell", role: "cell", "data-label": label });
  if (!c || (!c.attempts && !c.pending)) return el;
  const tries = c.attempts ?? 0;
  if (c.pending) {
    el.classList.add("cell-pending");
    el.title = `${c.pending} pending`;
    el.textContent = `? ${tries + c.pending}`;
  } else if (icpc && c.solved) {
    el.classList.add(c.first ? "cell-first" : "cell-solved");
    el.title = c.first ? "first to solve" : "solved";
    append2(el, tries > 1 ? `+${tries - 1}` : "+", c.minute ?? "");
  } else if (!icpc && c.score !== undefined && c.score !== null) {
    el.classList.add(c.solved ? (c.first ? "cell-first" : "cell-solved") : c.score > 0 ? "cell-partial" : "cell-failed");
    el.textContent = formatScore(c.score);
  } else {
    el.classList.add("cell-failed");
    el.textContent = `−${tries}`;
  }
  return el;
}

function append2(el: HTMLElement, top: string, bottom: string | number): void {
  el.append(h("b", {}, top), h("small", {}, bottom));
}
