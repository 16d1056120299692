// The contestant's arena: problems, workspace, my submissions, standings, clarifications.
import { api, moderates, whoami } from "../api";
import { BoardView } from "../board";
import { field, h, link, navigate, replace, rerun, toast, toastError, verdictBadge, when } from "../dom";
import { LiveSocket, stateBadge } from "../live";
import type { Clarification, ContestEvent, ContestSubmission, ContestView, Snapshot } from "../protocol";
import { Announcements, ContestHeader } from "./common";
import type { Cleanup } from "./simple";
import { teamPanel } from "./teams";
import { Workspace } from "./workspace";

export async function arenaPage(app: HTMLElement, cid: number, label: string | null): Promise<Cleanup> {
  const user = await whoami();
  if (!user) return navigate(`/login?next=${encodeURIComponent(location.pathname)}`);
  let contest = await api.contest(cid);
  const jury = moderates(user, cid);
  if (!contest.registered && !jury) {
    replace(
      app,
      h("h1", {}, contest.name),
      h("p", {}, "You are not registered for this contest."),
      contest.registration_open
        ? h("button", { type: "button", class: "primary", onclick: async () => { try { await api.registerFor(cid); navigate(location.pathname); } catch (err) { toastError(err); } } }, "Register")
        : h("p", { class: "error" }, contest.phase === "ended" ? "Contest has ended." : "Registration is closed."),
      contest.phase === "ended"
        ? h("ul", { class: "review-links" }, contest.problems.map((p) => h("li", {}, link(`/contest/${cid}/review/${encodeURIComponent(p.label)}`, `${p.label}. ${p.title}: editorial and shared solutions`))))
        : null,
    );
    return;
  }
  const current = label ?? contest.problems[0]?.label ?? null;
  const detail = current !== null && contest.phase !== "upcoming" ? await api.contestProblem(cid, current) : null;
  const announcements = new Announcements();
  const problemNav = h("nav", { class: "problem-nav", "aria-label": "Problems" });
  const mine = h("div", { "data-testid": "arena-submissions" });
  const clarBox = h("div", {});
  const body = h("div", { class: "arena-main" });
  const teamBox = h("div", {});
  void teamPanel(cid).then((panel) => replace(teamBox, panel));
  let submissions: ContestSubmission[] = [];
  let workspace: Workspace | null = null;

  const board = new BoardView({
    scoring: contest.scoring,
    labels: contest.problems.map((p) => p.label),
    meId: user.id,
    fetchPage: (page) => api.leaderboard(cid, page),
    label: "Standings",
  });
  board.el.classList.add("compact");

  const renderNav = () => {
    const status = (l: string) => {
      const mineFor = submissions.filter((s) => s.problem === l);
      if (mineFor.some((s) => s.verdict === "AC")) return h("span", { class: "st st-ok", title: "solved" }, "✓");
      if (mineFor.some((s) => s.status === "queued" || s.status === "judging")) return h("span", { class: "st st-wait", title: "pending" }, "…");
      if (mineFor.length) return h("span", { class: "st st-bad", title: "tried" }, "✗");
      return h("span", { class: "st" }, "");
    };
    replace(
      problemNav,
      contest.problems.map((p) =>
        link(`/contest/${cid}/problem/${p.label}`, h("b", {}, p.label), " ", p.title, " ", status(p.label)),
      ),
    );
    problemNav.querySelectorAll("a").forEach((a, i) => a.classList.toggle("active", contest.problems[i]?.label === current));
  };
  const renderMine = () =>
    replace(
      mine,
      h("h3", {}, "My submissions"),
      submissions.length === 0
        ? h("p", { class: "muted" }, "None yet.")
        : h(
            "table",
            { class: "list small" },
            h("thead", {}, h("tr", {}, h("th", {}, "#"), h("th", {}, "Problem"), h("th", {}, "Lang"), h("th", {}, "Verdict"), h("th", { class: "num" }, "Time"))),
            h(
              "tbody",
              {},
              submissions.map((s) =>
                h("tr", { "data-submission": s.id }, h("td", {}, s.id), h("td", {}, s.problem), h("td", {}, s.language), h("td", {}, verdictBadge(s.verdict, s.status)), h("td", { class: "num" }, s.time_ms === null ? "" : `${s.time_ms} ms`)),
              ),
            ),
          ),
    );
  const reloadMine = async () => {
    submissions = await api.mySubmissions(cid);
    renderMine();
    renderNav();
  };
  // The form is built once (a half-typed question survives updates); only the list is redrawn.
  const clarList = h("ul", { class: "clarifications" });
  const renderClarifications = (items: Clarification[]) =>
    replace(
      clarList,
      items.length === 0 ? h("li", { class: "muted" }, "No clarifications.") : null,
      items.map((c) => h("li", { "data-clarification": c.id }, h("p", {}, h("b", {}, c.problem ? `[${c.problem}] ` : "[general] "), c.question), h("p", { class: c.answer ? "answer" : "muted" }, c.answer ?? "Not answered yet."))),
    );
  let clarRequest = 0;
  const reloadClarifications = async () => {
    const mine = ++clarRequest;
    const items = await api.clarifications(cid);
    if (mine === clarRequest) renderClarifications(items); // an older answer arriving late is dropped
  };
  const question = h("textarea", { id: "question", rows: 2, maxlength: 4000, placeholder: "Ask the jury…" });
  const about = h("select", { id: "question-problem" }, h("option", { value: "" }, "General"), contest.problems.map((p) => h("option", { value: p.label }, `Problem ${p.label}`)));
  replace(
    clarBox,
    h("h3", {}, "Clarifications"),
    clarList,
    h(
      "form",
      {
        class: "ask",
        onsubmit: async (e: Event) => {
          e.preventDefault();
          try {
            await api.ask(cid, question.value, about.value || undefined);
            question.value = "";
            toast("Question sent to the jury");
            await reloadClarifications();
          } catch (err) {
            toastError(err);
          }
        },
      },
      field("Question", question),
      field("About", about),
      h("button", { type: "submit", class: "secondary" }, "Ask"),
    ),
  );

  if (current !== null && detail !== null) {
    workspace = new Workspace(detail, {
      scope: `contest${cid}:${current}`,
      heading: h("h2", {}, `${current}. ${detail.title}`),
      run: (language, source, input) => api.contestRun(cid, current, language, source, input),
      submit: async (language, source) => (await api.contestSubmit(cid, current, language, source)).id,
      onSubmitted: () => void reloadMine(),
      isLive: () => live.state === "live" || live.state === "resynced",
      statementIn: (lang) => api.contestProblem(cid, current, lang),
    });
    body.append(workspace.el);
  } else {
    body.append(h("p", { class: "muted" }, contest.phase === "upcoming" ? `The problems appear when the contest starts (${when(contest.start)}).` : "This contest has no problems."));
  }

  if (contest.phase === "ended" && current !== null) {
    body.prepend(h("p", { class: "review-link" }, link(`/contest/${cid}/review/${encodeURIComponent(current)}`, "Editorial and shared solutions")));
  }

  // Events and snapshots may leave out the problem list: keep the one known.
  const withProblems = (next: ContestView): ContestView => (next.problems.length ? next : { ...next, problems: contest.problems });
  const live = new LiveSocket(`/ws/contests/${cid}`, {
    snapshot: (snap: Snapshot) => {
      contest = withProblems(snap.contest);
      header.update(contest);
      board.load(snap.leaderboard, true);
      announcements.set(snap.announcements);
    },
    event: (event: ContestEvent) => {
      switch (event.kind) {
        case "submission_progress":
        case "submission_judged":
          if (event.user_id !== user.id) return;
          workspace?.event(event);
          if (event.kind === "submission_judged") void reloadMine();
          return;
        case "leaderboard_delta":
          if (event.board === (jury ? "jury" : "public")) board.applyDelta(event);
          return;
        case "announcement":
          announcements.add(event.announcement);
          return;
        case "clarification":
          toast(`Clarification${event.clarification.problem ? ` on ${event.clarification.problem}` : ""}: ${event.clarification.answer ?? event.clarification.question}`);
          void reloadClarifications().catch(() => undefined);
          return;
        case "contest":
          if (event.reason === "personal_time") {
            // Whose time changed is not in the event (a jury socket sees everyone's): ask.
            void api.contest(cid).then((mine) => {
              contest = withProblems(mine);
              header.update(contest);
            }, () => undefined);
            return;
          }
          contest = withProblems(header.merge(event.contest));
          header.update(contest);
          toast(`Contest ${event.reason}`);
          return;
      }
    },
    closed: (reason) => toast(reason, "error"),
  });
  // Nothing on the socket says the contest started: the header's clock does, and the page is
  // built again with the problems.
  const header = new ContestHeader(
    contest,
    [stateBadge(live), link(`/contest/${cid}/board`, "Leaderboard"), ...(jury ? [link(`/moderate/${cid}`, "Moderate")] : [])],
    rerun,
  );
  replace(
    app,
    header.el,
    h(
      "div",
      { class: "arena" },
      h("aside", { class: "arena-side" }, h("h3", {}, "Problems"), problemNav, h("h3", {}, "Standings"), board.el, mine),
      body,
      h("aside", { class: "arena-info" }, teamBox, h("h3", {}, "Announcements"), announcements.el, clarBox),
    ),
  );
  const cleanup = () => {
    live.stop();
    header.stop();
    board.dispose();
    workspace?.stop();
  };
  live.start();
  renderNav();
  try {
    await Promise.all([reloadMine(), reloadClarifications()]);
  } catch (err) {
    // The page works without these lists; what must not happen is a socket left running.
    toastError(err);
  }
  return cleanup;
}

