// The leaderboard page and the spectators' read-only, full-screen view.
import { api, moderates, whoami } from "../api";
import { BoardView } from "../board";
import { statsPanel } from "../charts";
import { h, link, replace, rerun, toast } from "../dom";
import { LiveSocket, stateBadge } from "../live";
import type { UserInfo } from "../protocol";
import { Announcements, ContestHeader, ThrottledRefresh } from "./common";
import type { Cleanup } from "./simple";

/** The leaderboard page and the spectators' full-screen view share this. */
export async function boardPage(app: HTMLElement, cid: number, spectate: boolean): Promise<Cleanup> {
  const user: UserInfo | null = spectate ? null : await whoami();
  let contest = await api.contest(cid);
  const jury = !spectate && moderates(user, cid);
  const contestant = !spectate && (contest.registered || jury);
  // The board filtered by one organization and / or group ("" is everyone): pages and the
  // refreshes after deltas are fetched filtered; each team keeps its rank on the whole board.
  const filter = { organization: "", group: "" };
  const filtered = () => filter.organization !== "" || filter.group !== "";
  const fetchPage = (page: number) => api.leaderboard(cid, page, jury ? "jury" : "public", filter.organization, filter.group);
  const board = new BoardView({
    scoring: contest.scoring,
    labels: contest.problems.map((p) => p.label),
    meId: user?.id ?? null,
    fetchPage,
  });
  const reload = () => void fetchPage(1).then((page) => board.load(page, true), (e: Error) => toast(e.message, "error"));
  const filters = h("div", { class: "board-filters" });
  void api.boardFilters(cid).then((found) => {
    // The chosen organization's logo, next to its selector.
    const logo = h("span", { class: "org-logo-slot" });
    const showLogo = () => {
      const chosen = found.organizations.find((o) => o.id === filter.organization);
      replace(logo, chosen?.logo ? h("img", { class: "org-logo", src: chosen.logo, alt: `${chosen.name} logo`, height: 24 }) : null);
    };
    const select = (name: "organization" | "group", label: string, options: { id: string; name: string }[]) =>
      options.length
        ? h("label", {}, `${label} `, h("select", { name, "aria-label": label, onchange: (e: Event) => { filter[name] = (e.target as HTMLSelectElement).value; showLogo(); reload(); } },
            h("option", { value: "" }, "All"), ...options.map((o) => h("option", { value: o.id }, o.name))))
        : null;
    replace(filters, select("organization", "Organization", found.organizations), logo, select("group", "Group", found.groups));
  }, () => undefined);
  const announcements = new Announcements();
  const stats = h("div", { class: "stats-box" });
  const loadStats = () =>
    api.stats(cid).then(
      (s) => replace(stats, h("h2", {}, "Problems"), statsPanel(s)),
      () => undefined,
    );
  // Every open board would otherwise ask for the stats after every change.
  const statsRefresh = new ThrottledRefresh(loadStats);
  const live = new LiveSocket(contestant ? `/ws/contests/${cid}` : `/ws/contests/${cid}/spectate`, {
    snapshot: (snap) => {
      contest = snap.contest.problems.length ? snap.contest : { ...snap.contest, problems: contest.problems };
      header.update(contest);
      board.setLabels(contest.problems.map((p) => p.label));
      if (filtered()) reload();
      else board.load(snap.leaderboard, true);
      announcements.set(snap.announcements);
    },
    event: (event) => {
      if (event.kind === "leaderboard_delta" && event.board === (jury ? "jury" : "public")) {
        board.applyDelta(event);
        statsRefresh.changed();
      } else if (event.kind === "announcement") announcements.add(event.announcement);
      // One contestant's own time: the caller's view is fetched (a jury socket sees everyone's).
      else if (event.kind === "contest" && event.reason === "personal_time") void api.contest(cid).then((mine) => header.update({ ...mine, problems: contest.problems }), () => undefined);
      else if (event.kind === "contest") {
        contest = event.contest.problems.length ? event.contest : { ...event.contest, problems: contest.problems };
        header.update(contest);
        board.setLabels(contest.problems.map((p) => p.label));
        toast(`Contest ${event.reason}`);
        if (event.reason === "unfrozen") board.refreshVisible();
      }
    },
    closed: (reason) => toast(reason, "error"),
  });
  const full = h(
    "button",
    {
      type: "button",
      class: "secondary",
      "aria-pressed": "false",
      onclick: () => {
        const on = !document.body.classList.contains("board-mode");
        document.body.classList.toggle("board-mode", on);
        full.setAttribute("aria-pressed", String(on));
        full.textContent = on ? "Exit full screen" : "Full screen";
        if (on) void document.documentElement.requestFullscreen?.().catch(() => undefined);
        else if (document.fullscreenElement) void document.exitFullscreen();
      },
    },
    "Full screen",
  );
  const extras = [stateBadge(live), full];
  if (!spectate && contest.public) extras.push(link(`/spectate/${cid}`, "Spectator view"));
  if (!spectate && contestant && contest.phase === "running") extras.push(link(`/contest/${cid}`, "Arena"));
  if (!spectate && user && contest.phase === "ended") extras.push(link(`/contest/${cid}/upsolve`, "Upsolve"), link(`/contest/${cid}/virtual`, "Virtual contest"));
  // The problems (the board's columns) are hidden until the start, which no event announces.
  const header = new ContestHeader(contest, extras, rerun);
  replace(
    app,
    h("div", { class: spectate ? "spectate" : "board-page" }, header.el, spectate ? h("p", { class: "muted read-only" }, "Spectator view (read-only)") : null, filters, board.el, h("div", { class: "below-board" }, stats, h("section", {}, h("h2", {}, "Announcements"), announcements.el))),
  );
  live.start();
  void loadStats();
  const onKey = (e: KeyboardEvent) => {
    if (e.key === "Escape" && document.body.classList.contains("board-mode")) full.click();
  };
  document.addEventListener("keydown", onKey);
  return () => {
    live.stop();
    header.stop();
    board.dispose();
    statsRefresh.stop();
    document.body.classList.remove("board-mode");
    document.removeEventListener("keydown", onKey);
  };
}

