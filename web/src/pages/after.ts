// After a contest: the virtual contest (a replay of the real board at the same elapsed time,
// with the caller's virtual row) and upsolving (the official and the upsolve boards side by side).
import { ApiFailure, api } from "../api";
import { cell } from "../board";
import { clock, field, h, link, replace, rerun, toast, toastError, verdictBadge } from "../dom";
import type { BoardRow, ContestView, VirtualView } from "../protocol";
import { ratingBadge } from "../rating";
import type { Cleanup } from "./simple";

const REFRESH_MS = 5000;

/** A board of a few hundred rows at most, drawn whole (the replayed boards are not live). */
export function staticBoard(rows: BoardRow[], contest: ContestView, highlight: number | null, testid: string): HTMLElement {
  const icpc = contest.scoring !== "score";
  const labels = contest.problems.map((p) => p.label);
  const head = h(
    "div",
    { class: "row head", role: "row" },
    h("span", { class: "c-rank", role: "columnheader" }, "#"),
    h("span", { class: "c-who", role: "columnheader" }, "Contestant"),
    icpc ? h("span", { class: "c-num", role: "columnheader" }, "Solved") : null,
    h("span", { class: "c-num", role: "columnheader" }, icpc ? "Penalty" : "Score"),
    labels.map((l) => h("span", { class: "c-cell", role: "columnheader" }, l)),
  );
  const body = rows.map((r) =>
    h(
      "div",
      { class: r.user_id === highlight ? "row me" : "row", role: "row", "data-user": String(r.user_id), "data-rank": String(r.rank) },
      h("span", { class: "c-rank", role: "cell" }, r.rank),
      h("span", { class: "c-who", role: "cell", title: r.username }, r.username, " ", ratingBadge(r.rating), r.user_id === highlight ? h("span", { class: "pill", "data-testid": "virtual-mark" }, "virtual") : null),
      icpc ? h("span", { class: "c-num", role: "cell" }, r.solved) : null,
      h("span", { class: "c-num", role: "cell" }, icpc ? r.penalty : r.score),
      labels.map((l) => cell(r.cells[l], icpc, l)),
    ),
  );
  return h("div", { class: "board static-board", role: "table", "data-testid": testid }, head, body);
}

/** Problem, language and source; ``send`` submits and returns the submission's id. */
async function submitForm(contest: ContestView, send: (problem: string, language: string, source: string) => Promise<number>, onSent: (id: number) => void): Promise<HTMLElement> {
  const detail = contest.problems.length ? await api.contestProblem(contest.id, contest.problems[0].label) : null;
  const problem = h("select", { name: "problem" }, contest.problems.map((p) => h("option", { value: p.label }, `${p.label}. ${p.title}`)));
  const language = h("select", { name: "language" }, (detail?.languages ?? []).map((l) => h("option", { value: l }, l)));
  const source = h("textarea", { name: "source", rows: 8, spellcheck: "false", class: "plain-source" });
  const form = h(
    "form",
    {
      class: "after-submit",
      "data-testid": "after-submit",
      onsubmit: async (e: Event) => {
        e.preventDefault();
        try {
          onSent(await send(problem.value, language.value, source.value));
        } catch (err) {
          toastError(err);
        }
      },
    },
    field("Problem", problem),
    field("Language", language),
    field("Source", source),
    h("button", { type: "submit" }, "Submit"),
  );
  return form;
}

/** The caller's submissions of this page, with their verdicts as they come. */
class MySubmissions {
  readonly el = h("table", { class: "list", "data-testid": "after-submissions" });
  private ids: number[] = [];

  add(id: number): void {
    this.ids.unshift(id);
    void this.refresh();
  }

  async refresh(): Promise<void> {
    const views = await Promise.all(this.ids.map((id) => api.submission(id)));
    replace(this.el, h("tbody", {}, views.map((s) => h("tr", { "data-id": String(s.id) }, h("td", {}, `#${s.id}`), h("td", {}, s.problem), h("td", {}, s.language), h("td", {}, h("span", { class: "pill" }, s.mode)), h("td", {}, verdictBadge(s.verdict, s.status))))));
  }
}

async function mineOrNull(cid: number): Promise<VirtualView | null> {
  try {
    return await api.virtual(cid);
  } catch (err) {
    if (err instanceof ApiFailure && err.status === 404) return null;
    throw err;
  }
}

export async function virtualPage(app: HTMLElement, cid: number): Promise<Cleanup> {
  const contest = await api.contest(cid);
  const mine = await mineOrNull(cid);
  const title = h("h1", {}, `${contest.name}: virtual contest`);
  if (mine === null) {
    const start = h(
      "button",
      {
        type: "button",
        onclick: async () => {
          try {
            await api.startVirtual(cid);
            rerun();
          } catch (err) {
            toastError(err);
          }
        },
      },
      "Start the virtual contest",
    );
    replace(app, title, h("p", {}, "Take this contest as if it ran now: its full duration from the moment you start, against the real contestants as they stood at the same time. Nothing you do changes the official results or your rating."), start, h("p", {}, link(`/contest/${cid}/upsolve`, "Upsolve instead")));
    return undefined;
  }
  const status = h("p", { class: "virtual-status", "data-testid": "virtual-status" });
  const boardBox = h("div", { class: "board-box" });
  const submissions = new MySubmissions();
  const form = await submitForm(
    contest,
    async (problem, language, source) => (await api.virtualSubmit(cid, problem, language, source)).id,
    (id) => {
      toast(`Submission ${id} queued (virtual)`);
      submissions.add(id);
      void refresh();
    },
  );
  const refresh = async () => {
    const [view, board] = await Promise.all([api.virtual(cid), api.virtualBoard(cid)]);
    const left = view.duration_s - view.elapsed_s;
    status.textContent = view.running ? `Running: ${clock(view.elapsed_s * 1000)} elapsed, ${clock(left * 1000)} left. The board shows the contest at minute ${Math.floor(view.elapsed_s / 60)}${board.frozen ? " (frozen then)" : ""}.` : "Your virtual contest is over: the board shows the end of the contest.";
    form.hidden = !view.running;
    replace(boardBox, staticBoard(board.rows, contest, board.virtual_user_id, "virtual-board"));
    await submissions.refresh();
  };
  replace(app, h("div", { class: "after-page" }, title, status, h("ul", { class: "problem-links" }, contest.problems.map((p) => h("li", {}, link(`/contest/${cid}/problem/${encodeURIComponent(p.label)}`, `${p.label}. ${p.title}`)))), form, submissions.el, h("h2", {}, "Board"), boardBox));
  await refresh();
  const timer = setInterval(() => void refresh().catch(() => undefined), REFRESH_MS);
  return () => clearInterval(timer);
}

export async function upsolvePage(app: HTMLElement, cid: number): Promise<Cleanup> {
  const contest = await api.contest(cid);
  const official = h("div", { class: "board-box" });
  const upsolve = h("div", { class: "board-box" });
  const submissions = new MySubmissions();
  const refresh = async () => {
    const [off, up] = await Promise.all([api.leaderboard(cid, 1), api.upsolveBoard(cid)]);
    replace(official, staticBoard(off.rows, contest, null, "official-board"));
    replace(upsolve, staticBoard(up.rows, contest, null, "upsolve-board"));
    await submissions.refresh();
  };
  const form = await submitForm(
    contest,
    async (problem, language, source) => (await api.upsolve(cid, problem, language, source)).id,
    (id) => {
      toast(`Submission ${id} queued (upsolving)`);
      submissions.add(id);
      void refresh();
    },
  );
  replace(
    app,
    h(
      "div",
      { class: "after-page" },
      h("h1", {}, `${contest.name}: upsolving`),
      h("p", { class: "muted" }, "The contest is over: its problems stay open. Upsolve submissions are judged as usual and count on the upsolve board only, never in the official results or ratings."),
      form,
      submissions.el,
      h("div", { class: "two-boards" }, h("section", {}, h("h2", {}, "Official board"), official), h("section", {}, h("h2", {}, "Upsolve board"), upsolve)),
    ),
  );
  await refresh();
  const timer = setInterval(() => void refresh().catch(() => undefined), REFRESH_MS);
  return () => clearInterval(timer);
}
