// After a contest: its editorials and shared solutions; for moderators, the editorial editor
// and the plagiarism report (pairs side by side, matched regions highlighted).
import { call, whoami } from "../api";
import { errorText, field, h, link, replace, toast, when } from "../dom";
import { typeset } from "../math";
import type { ContestView, Editorial, PlagiarismPair, PlagiarismReport, PlagiarismRun, PlagiarismRuns, Sharing, SolutionList } from "../protocol";
import type { Cleanup } from "./simple";

const editorialOf = (cid: number, label: string) => call<Editorial>("GET", `/api/contests/${cid}/problems/${encodeURIComponent(label)}/editorial`);
const solutionsOf = (cid: number, label: string, page: number) => call<SolutionList>("GET", `/api/contests/${cid}/problems/${encodeURIComponent(label)}/solutions?page=${page}`);

const message = errorText;

/** /contest/{id}/review/{label}: the editorial, then the shared solutions. */
export async function reviewPage(app: HTMLElement, cid: number, label: string): Promise<Cleanup> {
  const [contest, user] = await Promise.all([call<ContestView>("GET", `/api/contests/${cid}`), whoami()]);
  const problem = contest.problems.find((p) => p.label === label);
  const editorial = h("section", { class: "panel statement editorial", "data-testid": "editorial" });
  try {
    const found = await editorialOf(cid, label);
    editorial.innerHTML = found.html; // rendered and sanitized by the hub, as statements are
    typeset(editorial);
  } catch (err) {
    replace(editorial, h("p", { class: "muted" }, message(err)));
  }
  const solutions = h("section", { class: "panel", "data-testid": "solutions" });
  let page = 1;
  const render = async () => {
    let list: SolutionList;
    try {
      list = await solutionsOf(cid, label, page);
    } catch (err) {
      replace(solutions, h("h2", {}, "Shared solutions"), h("p", { class: "muted" }, message(err)));
      return;
    }
    const pages = Math.max(1, Math.ceil(list.total / list.page_size));
    replace(
      solutions,
      h("h2", {}, `Shared solutions (${list.total})`),
      list.items.length === 0 ? h("p", { class: "muted" }, "No accepted solution is shared.") : null,
      list.items.map((s) =>
        h(
          "article",
          { class: "solution", "data-testid": `solution-${s.submission_id}` },
          h(
            "header",
            {},
            h("b", {}, s.username),
            h("span", { class: "muted" }, ` ${s.language} · ${s.time_ms ?? "?"} ms · ${when(s.submitted_at)} `),
            user && user.id === s.user_id
              ? h("button", { type: "button", class: "link", onclick: async () => {
                  await call<Sharing>("PUT", `/api/submissions/${s.submission_id}/sharing`, { hidden: true });
                  toast("Your solution is hidden from the shared solutions.");
                  void render();
                } }, "Hide mine") // prettier-ignore
              : null,
          ),
          h("pre", { class: "code" }, s.source),
        ),
      ),
      pages > 1
        ? h("nav", { class: "pager" },
            h("button", { type: "button", disabled: page <= 1, onclick: () => { page--; void render(); } }, "‹ Previous"),
            h("span", {}, `Page ${page} of ${pages}`),
            h("button", { type: "button", disabled: page >= pages, onclick: () => { page++; void render(); } }, "Next ›")) // prettier-ignore
        : null,
    );
  };
  await render();
  replace(
    app,
    h("p", {}, link(`/contest/${cid}`, `‹ ${contest.name}`)),
    h("h1", {}, `${label}. ${problem?.title ?? ""} — editorial and solutions`),
    editorial,
    solutions,
  );
}

/** Moderators write each problem's editorial (Markdown and math), with the hub's rendering. */
export function editorialPanel(contest: ContestView): HTMLElement {
  const choose = h("select", { id: "editorial-problem" }, contest.problems.map((p) => h("option", { value: p.label }, `${p.label}. ${p.title}`)));
  const text = h("textarea", { id: "editorial-text", rows: 8, placeholder: "Markdown with $math$" });
  const preview = h("div", { class: "statement editorial", "data-testid": "editorial-preview" });
  const slugOf = async (label: string) => (await call<{ slug: string }>("GET", `/api/contests/${contest.id}/problems/${encodeURIComponent(label)}`)).slug;
  const load = async () => {
    try {
      const found = await editorialOf(contest.id, choose.value);
      text.value = found.markdown ?? "";
      preview.innerHTML = found.html;
      typeset(preview);
    } catch {
      text.value = "";
      replace(preview, h("p", { class: "muted" }, "No editorial yet."));
    }
  };
  choose.addEventListener("change", () => void load());
  const panel = h(
    "form",
    { class: "panel wide", "data-testid": "editorial-editor", onsubmit: async (e: Event) => {
      e.preventDefault();
      try {
        const saved = await call<Editorial>("PUT", `/api/problems/${encodeURIComponent(await slugOf(choose.value))}/editorial`, { markdown: text.value });
        preview.innerHTML = saved.html;
        typeset(preview);
        toast(`Editorial of ${choose.value} saved; shown once the contest is over.`);
      } catch (err) {
        toast(message(err), "error");
      }
    } }, // prettier-ignore
    h("h2", {}, "Editorials"),
    field("Problem", choose),
    field("Editorial", text),
    h("button", { type: "submit", class: "secondary" }, "Save editorial"),
    preview,
  );
  if (contest.problems.length) void load();
  return panel;
}

/** A source with the given character ranges marked; each range's number pairs it with the
 *  other side's. */
function highlighted(source: string, ranges: [number, number][]): HTMLElement {
  const owner = new Int32Array(source.length + 1).fill(-1);
  ranges.forEach(([start, end], i) => {
    for (let c = Math.max(0, start); c < Math.min(end, source.length); c++) if (owner[c] < 0) owner[c] = i;
  });
  const pre = h("pre", { class: "code plagiarism-code" });
  let from = 0;
  for (let c = 1; c <= source.length; c++) {
    if (c < source.length && owner[c] === owner[from]) continue;
    const piece = source.slice(from, c);
    pre.append(owner[from] < 0 ? document.createTextNode(piece) : h("mark", { class: `match m${owner[from] % 6}`, title: `match ${owner[from] + 1}` }, piece));
    from = c;
  }
  return pre;
}

function pairView(pair: PlagiarismPair, disqualify: (userId: number, reason: string) => Promise<boolean>, runId: number): HTMLElement {
  const side = (s: PlagiarismPair["a"], ranges: [number, number][], other: string) => {
    const reason = h("input", { value: `plagiarism check ${runId}: problem ${pair.problem}, ${Math.round(pair.similarity * 100)} % similar to ${other}'s submission`, "aria-label": `Reason to disqualify ${s.username}`, class: "reason" });
    return h(
      "div",
      { class: "side" },
      h("header", {}, h("b", {}, s.username), h("span", { class: "muted" }, ` #${s.submission_id} `), s.disqualified ? h("span", { class: "pill pill-bad" }, "disqualified") : null),
      highlighted(s.source, ranges),
      s.disqualified
        ? null
        : h("form", { class: "inline", onsubmit: async (e: Event) => { e.preventDefault(); await disqualify(s.user_id, reason.value); } }, reason, h("button", { type: "submit", class: "danger" }, `Disqualify ${s.username}`)), // prettier-ignore
    );
  };
  return h(
    "article",
    { class: "pair", "data-testid": "plagiarism-pair" },
    h("h3", {}, `${pair.problem} · ${pair.language} · ${Math.round(pair.similarity * 100)} % similar`),
    h(
      "div",
      { class: "side-by-side" },
      side(pair.a, pair.regions.map((r) => [r[0], r[1]] as [number, number]), pair.b.username),
      side(pair.b, pair.regions.map((r) => [r[2], r[3]] as [number, number]), pair.a.username),
    ),
  );
}

/** Start a check (a worker runs it), follow it, and read its pairs. */
export function plagiarismPanel(cid: number, disqualify: (userId: number, reason: string) => Promise<boolean>): { el: HTMLElement; stop: () => void } {
  const all = h("input", { type: "checkbox", id: "plagiarism-all" });
  const threshold = h("input", { type: "number", id: "plagiarism-threshold", min: 0.05, max: 1, step: 0.05, value: 0.6, class: "narrow" });
  const runsEl = h("div", { "data-testid": "plagiarism-runs" });
  const reportEl = h("div", { "data-testid": "plagiarism-report" });
  let timer = 0;
  let shown: number | null = null;
  const showReport = async (run: PlagiarismRun) => {
    shown = run.id;
    const report = await call<PlagiarismReport>("GET", `/api/contests/${cid}/plagiarism/${run.id}`);
    const act = async (userId: number, reason: string) => {
      const done = await disqualify(userId, reason);
      if (done) void showReport(run);
      return done;
    };
    replace(
      reportEl,
      h("h3", {}, `Check ${run.id}: ${report.pairs.length} pairs at or above ${Math.round(run.threshold * 100)} % (${run.compared} submissions)`),
      report.pairs.length === 0 ? h("p", { class: "muted" }, "No pair is that similar.") : report.pairs.map((p) => pairView(p, act, run.id)),
    );
  };
  const refresh = async () => {
    clearTimeout(timer);
    const { runs } = await call<PlagiarismRuns>("GET", `/api/contests/${cid}/plagiarism`);
    replace(
      runsEl,
      runs.length === 0
        ? h("p", { class: "muted" }, "No check yet.")
        : h("table", { class: "list small" }, h("tbody", {}, runs.map((r) =>
            h("tr", {},
              h("td", {}, `#${r.id}`),
              h("td", {}, h("span", { class: `pill ${r.status === "failed" ? "pill-bad" : ""}` }, r.status)),
              h("td", {}, r.all_submissions ? "all submissions" : "accepted"),
              h("td", { class: "num" }, `${r.pairs} pairs`),
              h("td", {}, r.status === "done" ? h("button", { type: "button", class: "link", onclick: () => void showReport(r) }, "Show report") : r.message),
            )))), // prettier-ignore
    );
    if (runs.some((r) => r.status === "queued" || r.status === "running")) timer = window.setTimeout(() => void refresh(), 1000);
    else if (shown === null && runs[0]?.status === "done") void showReport(runs[0]);
  };
  const el = h(
    "section",
    { class: "panel wide plagiarism", "data-testid": "plagiarism" },
    h("h2", {}, "Plagiarism check"),
    h("p", { class: "muted" }, "Winnowed fingerprints of normalized tokens, per problem and language (MOSS's method); names, literals, layout and the stub do not count."),
    h("form", { class: "inline", onsubmit: async (e: Event) => {
      e.preventDefault();
      try {
        await call<PlagiarismRun>("POST", `/api/contests/${cid}/plagiarism`, { all_submissions: all.checked, threshold: Number(threshold.value) });
        shown = null;
        toast("Plagiarism check queued: a worker runs it.");
        void refresh();
      } catch (err) {
        toast(message(err), "error");
      }
    } }, // prettier-ignore
      h("label", { class: "check" }, all, " all submissions (not only accepted)"),
      field("Threshold", threshold),
      h("button", { type: "submit", class: "primary" }, "Check for plagiarism")),
    runsEl,
    reportEl,
  );
  void refresh().catch(() => undefined);
  return { el, stop: () => clearTimeout(timer) };
}
