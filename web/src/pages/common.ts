// Pieces of every live contest page: the header with its countdown, the announcements.
import { clock, h, replace, toast, when } from "../dom";
import type { Announcement, ContestView } from "../protocol";

let startRetries = 0;

/** The contest's name, phase and a countdown that follows extensions. */
export class ContestHeader {
  readonly el: HTMLElement;
  private readonly countdown = h("span", { class: "countdown", "data-testid": "countdown", "aria-live": "off" });
  private readonly flags = h("span", { class: "flags" });
  private readonly title = h("h1", {});
  private timer: number;
  private startTimer = 0;
  private started: boolean;

  /** `onStart` fires once when the clock passes the start (nothing on the socket says so), after
   * a random 0–3 s so that every open page does not reload at the same instant. */
  constructor(
    public contest: ContestView,
    extra: HTMLElement[],
    private readonly onStart?: () => void,
  ) {
    this.el = h("div", { class: "contest-bar" }, this.title, this.flags, this.countdown, ...extra);
    this.started = contest.phase !== "upcoming";
    this.timer = window.setInterval(() => this.tick(), 1000);
    this.update(contest);
  }

  update(contest: ContestView): void {
    this.contest = contest;
    if (contest.phase === "upcoming" && Date.now() < Date.parse(contest.start)) this.started = false; // a start moved later
    else if (contest.phase !== "upcoming") startRetries = 0;
    this.title.textContent = contest.name;
    const personal = contest.my_extra_s > 0 ? h("span", { class: "pill", "data-testid": "personal-time" }, `+${Math.round(contest.my_extra_s / 60)} min for you`) : null;
    replace(this.flags, contest.frozen ? h("span", { class: "pill pill-frozen" }, "frozen") : null, h("span", { class: `pill phase-${contest.phase}` }, contest.phase), personal);
    this.tick();
  }

  private tick(): void {
    const now = Date.now();
    const start = Date.parse(this.contest.start);
    // A contestant given time of their own counts down to their own end.
    const end = Date.parse(this.contest.my_end ?? this.contest.end);
    if (now < start) this.countdown.textContent = `starts in ${clock(start - now)}`;
    else if (now < end) this.countdown.textContent = `${clock(end - now)} left`;
    else this.countdown.textContent = "ended";
    if (!this.started && now >= start) {
      this.started = true;
      // A clock ahead of the hub's gets "upcoming" again after the reload: back off then.
      const backoff = startRetries ? Math.min(30_000, 1000 * 2 ** startRetries) : 0;
      if (this.onStart) {
        startRetries += 1;
        this.startTimer = window.setTimeout(this.onStart, backoff + Math.random() * 3000);
      }
    }
  }

  /** A contest change broadcast to everyone carries no personal time: keep the caller's. */
  merge(changed: ContestView): ContestView {
    if (this.contest.my_end === null) return changed;
    const mine = Date.parse(this.contest.my_end);
    const phase = changed.phase === "ended" && Date.now() < mine ? "running" : changed.phase;
    return { ...changed, registered: this.contest.registered, my_end: this.contest.my_end, my_extra_s: this.contest.my_extra_s, phase };
  }

  stop(): void {
    clearInterval(this.timer);
    clearTimeout(this.startTimer);
  }
}

/** Refreshes something derived from the results (the per-problem stats) after they change: at
 * most every `everyMs` plus a random jitter (so the open boards do not all ask at once), and
 * only while the page is visible (a hidden tab catches up when it is shown again). */
export class ThrottledRefresh {
  private stale = false;
  private timer = 0;
  private last = Date.now();
  private readonly onVisibility = () => this.arm();

  constructor(
    private readonly load: () => unknown,
    private readonly everyMs = 30_000,
    private readonly jitterMs = 5_000,
  ) {
    document.addEventListener("visibilitychange", this.onVisibility);
  }

  changed(): void {
    this.stale = true;
    this.arm();
  }

  private arm(): void {
    if (!this.stale || this.timer || document.visibilityState !== "visible") return;
    const wait = Math.max(0, this.last + this.everyMs - Date.now()) + Math.random() * this.jitterMs;
    this.timer = window.setTimeout(() => {
      this.timer = 0;
      if (document.visibilityState !== "visible") return; // stays stale until shown
      this.stale = false;
      this.last = Date.now();
      void this.load();
    }, wait);
  }

  stop(): void {
    clearTimeout(this.timer);
    document.removeEventListener("visibilitychange", this.onVisibility);
  }
}

function announcementsList(items: Announcement[]): HTMLElement {
  return h(
    "ul",
    { class: "announcements", "data-testid": "announcements" },
    items.length === 0 ? h("li", { class: "muted" }, "No announcements.") : null,
    [...items].reverse().map((a) => h("li", {}, h("time", { datetime: a.created_at }, when(a.created_at)), " ", a.body)),
  );
}

/** Announcements: listed, and a toast for each one that arrives live (not for the backlog). */
export class Announcements {
  readonly el = h("div", {});
  private known = new Set<number>();
  private items: Announcement[] = [];
  private primed = false;

  set(items: Announcement[]): void {
    for (const a of items) if (this.primed && !this.known.has(a.id)) toast(a.body, "announcement");
    this.items = items;
    items.forEach((a) => this.known.add(a.id));
    this.primed = true;
    replace(this.el, announcementsList(items));
  }

  add(a: Announcement): void {
    if (this.known.has(a.id)) return;
    this.set([...this.items, a]);
  }
}

