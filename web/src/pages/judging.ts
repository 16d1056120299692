// The judging status page (admins): workers and their heartbeats, queue depth per arq queue,
// judgings that failed and need a person (with a rejudge button), and the audit log, filtered.
import { api, whoami } from "../api";
import { field, h, link, navigate, replace, toast, when } from "../dom";
import type { AuditEntry, JudgingStatus } from "../protocol";
import type { Cleanup } from "./simple";

const REFRESH_MS = 5000;

function workersTable(status: JudgingStatus): HTMLElement {
  if (status.workers.length === 0) return h("p", { class: "muted" }, "No worker has reported in the last hour.");
  return h(
    "table",
    { class: "list small", "data-testid": "workers" },
    h("thead", {}, h("tr", {}, ["worker", "host", "slots", "busy", "queues", "last heartbeat", "state"].map((t) => h("th", {}, t)))),
    h("tbody", {}, status.workers.map((w) =>
      h(
        "tr",
        {},
        h("td", {}, w.name),
        h("td", {}, w.host),
        h("td", {}, w.slots),
        h("td", {}, w.busy),
        h("td", {}, w.queues.join(", ")),
        h("td", {}, `${w.heartbeat_age_s.toFixed(1)} s ago`),
        h("td", {}, w.alive ? h("span", { class: "pill" }, "alive") : h("span", { class: "pill pill-bad" }, "stale")),
      ),
    )),
  );
}

function queuesTable(status: JudgingStatus): HTMLElement {
  if (status.queues.length === 0) return h("p", { class: "muted" }, "Every queue is empty.");
  return h(
    "table",
    { class: "list small", "data-testid": "queues" },
    h("thead", {}, h("tr", {}, h("th", {}, "queue"), h("th", {}, "ready"), h("th", {}, "deferred"))),
    h("tbody", {}, status.queues.map((q) => h("tr", {}, h("td", {}, q.name), h("td", {}, q.ready), h("td", {}, q.deferred)))),
  );
}

function attentionTable(status: JudgingStatus, rejudged: () => void): HTMLElement {
  if (status.attention.length === 0) return h("p", { class: "muted" }, "No failed judging needs attention.");
  return h(
    "table",
    { class: "list small", "data-testid": "attention" },
    h("thead", {}, h("tr", {}, ["submission", "contest", "user", "problem", "language", "errors", "last error", ""].map((t) => h("th", {}, t)))),
    h("tbody", {}, status.attention.map((f) =>
      h(
        "tr",
        {},
        h("td", {}, `#${f.submission_id}`),
        h("td", {}, f.contest_id === null ? "practice" : link(`/moderate/${f.contest_id}`, String(f.contest_id))),
        h("td", {}, f.username),
        h("td", {}, f.problem),
        h("td", {}, f.language),
        h("td", {}, f.judge_errors),
        h("td", { class: "error" }, f.error ?? ""),
        h("td", {}, h("button", { type: "button", class: "secondary", "data-testid": `rejudge-${f.submission_id}`, onclick: async () => {
          try {
            const queued = await api.rejudgeSubmission(f.submission_id);
            toast(`Submission ${queued.submission_id} queued again (attempt ${queued.attempt})`);
            rejudged();
          } catch (err) {
            toast((err as Error).message, "error");
          }
        } }, "Rejudge")),
      ),
    )),
  );
}

function auditRows(entries: AuditEntry[]): HTMLElement[] {
  return entries.map((e) =>
    h(
      "tr",
      {},
      h("td", {}, when(e.created_at)),
      h("td", {}, e.action),
      h("td", {}, e.contest_id ?? ""),
      h("td", {}, e.actor ?? "(command line)"),
      h("td", {}, h("code", {}, e.details)),
    ),
  );
}

export async function judgingPage(app: HTMLElement): Promise<Cleanup> {
  const user = await whoami();
  if (!user) return navigate(`/login?next=${encodeURIComponent(location.pathname)}`);
  if (user.role !== "admin") {
    replace(app, h("h1", {}, "Admins only"), h("p", {}, "The judging status is for admins."));
    return;
  }
  const workers = h("section", { class: "panel wide" });
  const queues = h("section", { class: "panel wide" });
  const attention = h("section", { class: "panel wide" });
  const refresh = async () => {
    try {
      const status = await api.judgingStatus();
      replace(workers, h("h2", {}, "Workers"), workersTable(status));
      replace(queues, h("h2", {}, "Queues"), queuesTable(status));
      replace(attention, h("h2", {}, "Judgings that need attention"), attentionTable(status, () => {
        void refresh();
        void loadAudit(false); // the rejudge is in the log now
      }));
    } catch (err) {
      toast((err as Error).message, "error");
    }
  };

  // The audit log, filtered by action, contest and actor; "Older" pages back.
  const action = h("select", { id: "audit-action", "data-testid": "audit-action" }, h("option", { value: "" }, "any action"));
  const contest = h("input", { id: "audit-contest", type: "number", min: 1, placeholder: "any", class: "num-short" });
  const actor = h("input", { id: "audit-actor", placeholder: "username" });
  const body = h("tbody", {});
  const older = h("button", { type: "button", class: "secondary" }, "Older");
  let before: number | null = null;
  const loadAudit = async (more: boolean) => {
    const page = await api.audit({ action: action.value, contest: contest.value, actor: actor.value.trim(), before: more && before ? before : undefined });
    const chosen = action.value;
    replace(action, h("option", { value: "" }, "any action"), page.actions.map((a) => h("option", { value: a, selected: a === chosen }, a)));
    if (more) body.append(...auditRows(page.entries));
    else replace(body, auditRows(page.entries));
    before = page.next_before;
    older.hidden = before === null;
  };
  older.addEventListener("click", () => void loadAudit(true));
  const audit = h(
    "section",
    { class: "panel wide" },
    h("h2", {}, "Audit log"),
    h("form", { class: "inline", onsubmit: (e: Event) => { e.preventDefault(); void loadAudit(false); } }, field("Action", action), field("Contest", contest), field("Actor", actor), h("button", { type: "submit" }, "Filter")),
    h("table", { class: "list small", "data-testid": "audit" }, h("thead", {}, h("tr", {}, ["when", "action", "contest", "by", "details"].map((t) => h("th", {}, t)))), body),
    older,
  );
  replace(app, h("h1", {}, "Judging status"), h("div", { class: "console" }, workers, queues, attention, audit));
  await Promise.all([refresh(), loadAudit(false)]);
  const timer = window.setInterval(() => void refresh(), REFRESH_MS);
  return () => clearInterval(timer);
}
