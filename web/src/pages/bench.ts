// A synthetic leaderboard of ?rows= contestants (100 000 by default): shows that the board keeps
// only the rows in view in the DOM, and that deltas reorder it smoothly. Used by the browser tests.
import { BoardView } from "../board";
import { h, replace } from "../dom";
import type { BoardRow, Leaderboard } from "../protocol";
import type { Cleanup } from "./simple";

const LABELS = ["A", "B", "C", "D", "E", "F", "G", "H"];

function synthetic(total: number): BoardRow[] {
  const rows: BoardRow[] = [];
  for (let i = 0; i < total; i++) {
    const solved = Math.max(0, LABELS.length - Math.floor((i * LABELS.length) / total));
    const cells: BoardRow["cells"] = {};
    LABELS.forEach((l, j) => {
      if (j < solved) cells[l] = { attempts: 1 + (i % 3), solved: true, minute: 10 + j * 7 + (i % 50), first: i === j };
      else if ((i + j) % 4 === 0) cells[l] = { attempts: 1 + (i % 2) };
    });
    rows.push({ user_id: i + 1, username: `contestant${i + 1}`, rank: i + 1, solved, penalty: 100 + i, score: solved * 100, key: total - i, cells, rating: 1200 + ((i * 37) % 1800) });
  }
  return rows;
}

export async function benchPage(app: HTMLElement): Promise<Cleanup> {
  const total = Number(new URLSearchParams(location.search).get("rows") || 100000);
  let rows = synthetic(total);
  const page = (n: number): Leaderboard => ({
    contest_id: 0, board: "public", frozen: false, seq: 0, page: n, page_size: 50, total: rows.length,
    rows: rows.slice((n - 1) * 50, n * 50), me: rows[total - 1] ?? null, organization: null, group: null,
  });
  const board = new BoardView({ scoring: "pass-fail", labels: LABELS, meId: total, fetchPage: async (n) => page(n) });
  board.el.classList.add("tall");
  const bump = () => {
    // The last visible-ish contestant solves everything and jumps to the top.
    const mover = rows[Math.min(rows.length - 1, 8)];
    const top = rows[0];
    const moved: BoardRow = { ...mover, rank: 1, key: top.key + 1, solved: top.solved + 1 };
    rows = [moved, ...rows.filter((r) => r.user_id !== mover.user_id)];
    board.applyDelta({ kind: "leaderboard_delta", board: "public", frozen: false, total: rows.length, rows: [moved], removed: [] });
  };
  replace(
    app,
    h("h1", {}, `Leaderboard with ${total.toLocaleString()} rows`),
    h("p", { class: "muted" }, "Only the rows in view are in the DOM."),
    h("div", { class: "actions" }, h("button", { type: "button", class: "secondary", onclick: bump }, "Move a row to the top")),
    board.el,
  );
  board.load(page(1), true);
  return () => board.dispose();
}
