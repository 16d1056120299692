// The moderator console: announce, clarifications, rejudge, disqualify, extend, freeze and the
// step-by-step reveal of the frozen results, jury board and per-problem charts.
import { api, moderates, whoami } from "../api";
import { BoardView } from "../board";
import { statsPanel } from "../charts";
import { field, h, navigate, replace, toast, toastError, verdictBadge } from "../dom";
import { LiveSocket, stateBadge } from "../live";
import type { Ack, AdminCommand, BoardRow, Clarification, ContestView, ErrorFrame, Leaderboard } from "../protocol";
import { Announcements, ContestHeader } from "./common";
import { resultsPanel } from "./results";
import { editorialPanel, plagiarismPanel } from "./review";
import type { Cleanup } from "./simple";

/** /ws/admin: each command carries a request id and resolves with its ack (or rejects). */
class AdminChannel {
  private socket: WebSocket | null = null;
  private pending = new Map<string, { resolve: (a: Ack) => void; reject: (e: Error) => void }>();
  private next = 1;
  private opened: Promise<void> | null = null;
  private stopped = false;

  private open(): Promise<void> {
    if (this.opened && this.socket && this.socket.readyState <= WebSocket.OPEN) return this.opened;
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const socket = new WebSocket(`${scheme}://${location.host}/ws/admin`);
    this.socket = socket;
    this.opened = new Promise((resolve, reject) => {
      socket.onopen = () => resolve();
      socket.onerror = () => reject(new Error("The moderator channel is not reachable."));
    });
    socket.onmessage = (m) => {
      const reply = JSON.parse(String(m.data)) as Ack | ErrorFrame;
      const waiter = reply.request_id ? this.pending.get(reply.request_id) : undefined;
      if (!waiter) return;
      this.pending.delete(reply.request_id as string);
      if (reply.kind === "ack") waiter.resolve(reply);
      else waiter.reject(new Error(reply.message));
    };
    socket.onclose = (event) => {
      this.pending.forEach((w) => w.reject(new Error(event.reason || "The moderator channel closed.")));
      this.pending.clear();
      this.opened = null;
    };
    return this.opened;
  }

  async send(command: AdminCommand): Promise<Ack> {
    if (this.stopped) throw new Error("closed");
    await this.open();
    const request_id = `r${this.next++}`;
    return new Promise((resolve, reject) => {
      this.pending.set(request_id, { resolve, reject });
      this.socket?.send(JSON.stringify({ ...command, request_id }));
    });
  }

  close(): void {
    this.stopped = true;
    this.socket?.close(1000);
  }
}

/** Every row of a board, page by page (a board of any size: the resolver needs all of it). */
async function allRows(cid: number, board: string): Promise<BoardRow[]> {
  const rows: BoardRow[] = [];
  for (let page = 1; ; page++) {
    const got: Leaderboard = await api.leaderboard(cid, page, board);
    rows.push(...got.rows);
    if (got.rows.length === 0 || rows.length >= got.total) return rows;
  }
}

/** ICPC-resolver style: from the bottom up, each step reveals one row's pending cells. */
class Resolver {
  readonly el = h("section", { class: "panel resolver", "data-testid": "resolver" });
  private rows: BoardRow[] = [];
  private jury = new Map<number, BoardRow>();
  // A revealed row may still hold pending cells (a submission not judged yet): it is not revealed twice.
  private revealed = new Set<number>();
  readonly view: BoardView;
  private readonly note = h("p", { class: "muted", "aria-live": "polite" });

  constructor(
    private readonly contest: ContestView,
    private readonly unfreeze: () => Promise<void>,
  ) {
    this.view = new BoardView({
      scoring: contest.scoring,
      labels: contest.problems.map((p) => p.label),
      meId: null,
      fetchPage: async () => ({ contest_id: contest.id, board: "public", frozen: true, seq: 0, page: 1, page_size: 1e9, total: this.rows.length, rows: this.rows, me: null, organization: null, group: null }),
      label: "Reveal",
    });
    this.view.el.classList.add("compact");
    replace(
      this.el,
      h("h2", {}, "Reveal the frozen results"),
      h("p", { class: "muted" }, "Loads the public (frozen) board, then reveals it from the bottom up, one contestant per step, as in the ICPC resolver. Finish publishes it by unfreezing."),
      h("div", { class: "actions" }, h("button", { type: "button", class: "secondary", onclick: () => void this.load() }, "Load frozen board"), h("button", { type: "button", class: "secondary", onclick: () => this.step() }, "Reveal next"), h("button", { type: "button", class: "primary", onclick: () => void this.finish() }, "Finish: unfreeze")),
      this.note,
      this.view.el,
    );
  }

  async load(): Promise<void> {
    const [publicRows, juryRows] = await Promise.all([allRows(this.contest.id, "public"), allRows(this.contest.id, "jury")]);
    this.rows = publicRows;
    this.jury = new Map(juryRows.map((r) => [r.user_id, r]));
    this.revealed.clear();
    this.show();
    const pending = this.rows.filter((r) => Object.values(r.cells).some((c) => c.pending)).length;
    this.note.textContent = `${this.rows.length} contestants, ${pending} with pending submissions.`;
  }

  step(): void {
    // The lowest row not revealed yet that hides something: rows move up as they are revealed.
    for (let i = this.rows.length - 1; i >= 0; i--) {
      const row = this.rows[i];
      if (this.revealed.has(row.user_id)) continue;
      const hidden = Object.values(row.cells).some((c) => c.pending);
      const revealed = this.jury.get(row.user_id);
      if (!hidden || !revealed) continue;
      this.revealed.add(row.user_id);
      this.rows[i] = revealed;
      this.rows.sort((a, b) => b.key - a.key || a.username.localeCompare(b.username));
      this.note.textContent = `Revealed ${row.username}: ${revealed.solved} solved, ${this.contest.scoring === "score" ? `score ${revealed.score}` : `penalty ${revealed.penalty}`}.`;
      this.show();
      return;
    }
    this.note.textContent = this.rows.length ? "Everything is revealed. Finish to publish the board." : "Load the frozen board first.";
  }

  private show(): void {
    let previous: BoardRow | undefined;
    this.rows = this.rows.map((r, i) => {
      const rank = previous && previous.key === r.key ? previous.rank : i + 1;
      previous = { ...r, rank };
      return previous;
    });
    this.view.load({ contest_id: this.contest.id, board: "public", frozen: true, seq: 0, page: 1, page_size: Math.max(1, this.rows.length), total: this.rows.length, rows: this.rows, me: null, organization: null, group: null }, false);
  }

  private async finish(): Promise<void> {
    await this.unfreeze();
    this.note.textContent = "Unfrozen: the public board now shows every verdict.";
  }
}

export async function moderatePage(app: HTMLElement, cid: number): Promise<Cleanup> {
  const user = await whoami();
  if (!user) return navigate(`/login?next=${encodeURIComponent(location.pathname)}`);
  if (!moderates(user, cid)) {
    replace(app, h("h1", {}, "Moderators only"), h("p", { class: "error", role: "alert", "data-testid": "not-moderator" }, `You do not moderate contest ${cid}: this console is for its moderators.`));
    return;
  }
  let contest = await api.contest(cid);
  const admin = new AdminChannel();
  const run = async (command: AdminCommand, done?: string) => {
    try {
      const ack = await admin.send(command);
      toast(done ?? ack.detail);
      return true;
    } catch (err) {
      toastError(err);
      return false;
    }
  };

  // Announce
  const text = h("textarea", { id: "announcement", rows: 2, maxlength: 10000, placeholder: "Message to every contestant and spectator" });
  const announce = h(
    "form",
    { class: "panel", onsubmit: async (e: Event) => { e.preventDefault(); if (await run({ action: "announce", contest_id: cid, body: text.value })) text.value = ""; } },
    h("h2", {}, "Announce"),
    field("Announcement", text),
    h("button", { type: "submit", class: "primary" }, "Announce"),
  );

  // Clarification queue: each open question's answer form is made once and kept (by id), so a
  // new question arriving does not wipe an answer being typed.
  const queue = h("section", { class: "panel", "data-testid": "clarification-queue" });
  const forms = new Map<number, HTMLFormElement>();
  const answerForm = (c: Clarification): HTMLFormElement => {
    const known = forms.get(c.id);
    if (known) return known;
    const answer = h("textarea", { rows: 2, "aria-label": `Answer to question ${c.id}` });
    const pub = h("input", { type: "checkbox" });
    const form = h(
      "form",
      { onsubmit: async (e: Event) => { e.preventDefault(); if (await run({ action: "answer", clarification_id: c.id, answer: answer.value, public: pub.checked })) void reloadQueue(); } },
      answer,
      h("label", { class: "check" }, pub, " answer to everyone"),
      h("button", { type: "submit", class: "secondary" }, "Answer"),
    );
    forms.set(c.id, form);
    return form;
  };
  const renderQueue = (items: Clarification[]) => {
    const open = items.filter((c) => c.answer === null);
    const stillOpen = new Set(open.map((c) => c.id));
    for (const id of forms.keys()) if (!stillOpen.has(id)) forms.delete(id);
    replace(
      queue,
      h("h2", {}, `Clarifications (${open.length} open)`),
      items.length === 0 ? h("p", { class: "muted" }, "No questions yet.") : null,
      [...open, ...items.filter((c) => c.answer !== null)].map((c) =>
        h(
          "div",
          { class: `clar ${c.answer ? "answered" : "open"}`, "data-clarification": c.id },
          h("p", {}, h("b", {}, c.problem ? `[${c.problem}] ` : "[general] "), c.question),
          c.answer ? h("p", { class: "answer" }, c.answer, c.public ? h("span", { class: "pill" }, "public") : null) : answerForm(c),
        ),
      ),
    );
  };
  let queueRequest = 0;
  const reloadQueue = async () => {
    const mine = ++queueRequest;
    const items = await api.clarifications(cid);
    if (mine === queueRequest) renderQueue(items); // an older answer arriving late is dropped
  };

  // Submissions + rejudge
  const subs = h("section", { class: "panel" });
  // Made once: a refresh of the list keeps the chosen problem.
  const problem = h("select", { "aria-label": "Problem to rejudge" }, contest.problems.map((p) => h("option", { value: p.label }, `Problem ${p.label}`)));
  const subsList = h("div", { class: "scroll" });
  replace(
    subs,
    h("h2", {}, "Submissions"),
    h("div", { class: "actions" }, problem, h("button", { type: "button", class: "secondary", onclick: () => void run({ action: "rejudge", contest_id: cid, problem: problem.value }) }, "Rejudge problem")),
    subsList,
  );
  const renderSubs = async () => {
    const items = await api.allSubmissions(cid);
    replace(
      subsList,
      h(
        "table",
        { class: "list small" },
        h("thead", {}, h("tr", {}, h("th", {}, "#"), h("th", {}, "Who"), h("th", {}, "Problem"), h("th", {}, "Verdict"), h("th", {}, ""))),
        h(
          "tbody",
          {},
          items.map((s) =>
            h("tr", {}, h("td", {}, s.id), h("td", {}, s.username), h("td", {}, s.problem), h("td", {}, verdictBadge(s.verdict, s.status)), h("td", {}, h("button", { type: "button", class: "link", onclick: () => void run({ action: "rejudge", contest_id: cid, submission_id: s.id }) }, "Rejudge"))),
          ),
        ),
      ),
    );
  };

  // Contestants: disqualify / reinstate
  const people = h("section", { class: "panel people-panel", "data-testid": "contestants" });
  const search = h("input", { id: "contestant-search", placeholder: "username prefix" });
  const peopleList = h("div", { class: "scroll" });
  // Time of one contestant's own past the end (accessibility, a late start): 0 takes it back.
  // Minutes typed and not set yet, by registration: a redraw of the list keeps them.
  const typed = new Map<number, string>();
  const personalTime = (userId: number, username: string, extraS: number): HTMLElement => {
    const input = h("input", { type: "number", min: 0, max: 10080, value: typed.get(userId) ?? Math.round(extraS / 60), "aria-label": `Extra minutes for ${username}`, "data-testid": `extra-${username}`, class: "num-short" });
    input.addEventListener("input", () => typed.set(userId, input.value));
    const set = async (e: Event) => {
      e.preventDefault();
      if (!(await run({ action: "extend_contestant", contest_id: cid, user_id: userId, seconds: Number(input.value) * 60 }))) return;
      typed.delete(userId);
      void renderPeople();
    };
    return h("form", { class: "inline", onsubmit: set }, input, h("span", { class: "muted" }, " min "), h("button", { type: "submit", class: "link" }, "Set time"));
  };
  // The first draw and each "Find" keystroke race: only the latest request's answer is drawn.
  let peopleRequest = 0;
  const renderPeople = async () => {
    const mine = ++peopleRequest;
    const items = await api.registrations(cid, search.value.trim());
    if (mine !== peopleRequest) return;
    replace(
      peopleList,
      h(
        "table",
        { class: "list small people" },
        h("tbody", {}, items.map((r) =>
          h(
            "tr",
            {},
            // A team's row (its time and disqualification are every member's) names the team and its members.
            h("td", {}, r.team ? h("span", { "data-testid": `team-${r.user_id}` }, r.team, " ", h("span", { class: "muted" }, r.members.join(", "))) : r.username, " ", h("span", { class: "muted" }, `#${r.user_id}`)),
            h("td", {}, r.disqualified ? h("span", { class: "pill pill-bad" }, "disqualified") : ""),
            h("td", {}, h("button", { type: "button", class: "link", onclick: async () => { if (await run({ action: r.disqualified ? "reinstate" : "disqualify", contest_id: cid, user_id: r.user_id })) void renderPeople(); } }, r.disqualified ? "Reinstate" : "Disqualify")),
            h("td", {}, personalTime(r.user_id, r.username, r.extra_s)),
          ),
        )),
      ),
    );
  };
  replace(people, h("h2", {}, "Contestants"), field("Find", search), peopleList);
  search.addEventListener("input", () => void renderPeople());

  // Time and freeze
  const minutes = h("input", { id: "extend-minutes", type: "number", min: 1, max: 600, value: 5 });
  const timePanel = h(
    "section",
    { class: "panel" },
    h("h2", {}, "Time and board"),
    h("form", { class: "inline", onsubmit: (e: Event) => { e.preventDefault(); void run({ action: "extend", contest_id: cid, seconds: Number(minutes.value) * 60 }); } }, field("Extend by (minutes)", minutes), h("button", { type: "submit", class: "secondary" }, "Extend")),
    h(
      "div",
      { class: "actions" },
      h("button", { type: "button", class: "secondary", onclick: () => void run({ action: "freeze", contest_id: cid }) }, "Freeze board"),
      h("button", { type: "button", class: "secondary", onclick: () => void run({ action: "unfreeze", contest_id: cid }) }, "Unfreeze board"),
      h("button", { type: "button", class: "secondary", onclick: () => void run({ action: "registration", contest_id: cid, open: !contest.registration_open }) }, "Open / close registration"),
    ),
  );

  const board = new BoardView({ scoring: contest.scoring, labels: contest.problems.map((p) => p.label), meId: null, fetchPage: (page) => api.leaderboard(cid, page, "jury"), label: "Jury board" });
  board.el.classList.add("compact");
  const stats = h("section", { class: "panel wide" });
  const loadStats = () => api.stats(cid).then((s) => replace(stats, h("h2", {}, "Per-problem charts (jury)"), statsPanel(s)), () => undefined);
  const resolver = new Resolver(contest, async () => void (await run({ action: "unfreeze", contest_id: cid })));
  const announcements = new Announcements();
  let refresh = 0;
  const refreshSoon = () => {
    clearTimeout(refresh);
    refresh = window.setTimeout(() => void Promise.all([renderSubs(), loadStats()]).catch(() => undefined), 1000);
  };
  const live = new LiveSocket(`/ws/contests/${cid}`, {
    snapshot: (snap) => {
      contest = snap.contest;
      header.update(contest);
      board.load(snap.leaderboard, true);
      announcements.set(snap.announcements);
    },
    event: (event) => {
      if (event.kind === "leaderboard_delta" && event.board === "jury") {
        board.applyDelta(event);
        refreshSoon(); // the socket tells a moderator of others' verdicts through the jury board
      } else if (event.kind === "announcement") announcements.add(event.announcement);
      else if (event.kind === "clarification") void reloadQueue().catch(() => undefined);
      // One contestant's own time: theirs alone (the jury socket sees every contestant's).
      else if (event.kind === "contest" && event.reason === "personal_time") void renderPeople();
      else if (event.kind === "contest") {
        contest = { ...event.contest, problems: contest.problems };
        header.update(contest);
      } else if (event.kind === "submission_judged") refreshSoon();
    },
    closed: (reason) => toast(reason, "error"),
  });
  const header = new ContestHeader(contest, [stateBadge(live), h("span", { class: "pill" }, "moderator")]);
  const plagiarism = plagiarismPanel(cid, async (userId, reason) => {
    const done = await run({ action: "disqualify", contest_id: cid, user_id: userId, reason });
    if (done) void renderPeople();
    return done;
  });
  replace(
    app,
    header.el,
    h(
      "div",
      { class: "console", "data-testid": "console" },
      announce,
      timePanel,
      resultsPanel(cid),
      queue,
      h("section", { class: "panel" }, h("h2", {}, "Jury board"), board.el),
      subs,
      people,
      resolver.el,
      h("section", { class: "panel" }, h("h2", {}, "Announcements"), announcements.el),
      stats,
      editorialPanel(contest),
      plagiarism.el,
    ),
  );
  const cleanup = () => {
    live.stop();
    plagiarism.stop();
    admin.close();
    header.stop();
    clearTimeout(refresh);
    board.dispose();
    resolver.view.dispose();
  };
  live.start();
  try {
    await Promise.all([reloadQueue(), renderSubs(), renderPeople(), loadStats()]);
  } catch (err) {
    // The console works without these panels; what must not happen is a socket left running.
    toastError(err);
  }
  return cleanup;
}
