// The organisers' pages: the contests one may edit, the contest editor (settings, problems,
// visibility and invite link, teams, clone, delete), organizations and groups.
import { api, whoami } from "../api";
import { field, h, link, navigate, replace, toast, toastError, when } from "../dom";
import type { Catalogue, ContestSettings, EditProblem, OrganisedContest, TeamView } from "../protocol";
import { logoControl } from "./org_logo";
import { teamEditor } from "./teams";
import type { Cleanup } from "./simple";

const fail = toastError;

/** An ISO time as the value of a datetime-local input (the browser's time zone). */
function localValue(iso: string | null): string {
  if (!iso) return "";
  const d = new Date(iso);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}T${two(d.getHours())}:${two(d.getMinutes())}`;
}

const isoOf = (local: string): string | null => (local ? new Date(local).toISOString() : null);

function input(name: string, value: string | number, attrs: Record<string, string | number | boolean> = {}): HTMLInputElement {
  return h("input", { name, value: String(value), ...attrs });
}

function select(name: string, value: string, options: [string, string][]): HTMLSelectElement {
  const el = h("select", { name }, options.map(([v, text]) => h("option", { value: v, selected: v === value }, text)));
  return el;
}

export async function organiseListPage(app: HTMLElement): Promise<Cleanup> {
  const user = await whoami();
  if (!user || (user.role !== "admin" && user.role !== "moderator")) {
    replace(app, h("h1", {}, "Organise"), h("p", { class: "error" }, "This page is for admins and moderators."));
    return;
  }
  const contests = await api.organisedContests();
  const rows = contests.map((c) =>
    h(
      "tr",
      { "data-contest": c.id },
      h("td", {}, link(`/organise/${c.id}`, c.settings.name)),
      h("td", {}, when(c.settings.start)),
      h("td", {}, h("span", { class: `pill pill-${c.settings.visibility}` }, c.settings.visibility)),
      h("td", {}, c.phase),
      h("td", { class: "num" }, c.submissions),
    ),
  );
  replace(
    app,
    h("h1", {}, "Organise"),
    h(
      "div",
      { class: "actions" },
      user.role === "admin" ? link("/organise/new", h("span", { class: "button primary" }, "New contest")) : null,
      user.role === "admin" ? link("/organise/catalogue", "Organizations and groups") : null,
      user.role === "admin" ? link("/organise/problems", "Upload a problem") : null,
    ),
    contests.length === 0
      ? h("p", { class: "muted" }, "No contests to organise yet.")
      : h(
          "table",
          { class: "list" },
          h("thead", {}, h("tr", {}, h("th", {}, "Contest"), h("th", {}, "Starts"), h("th", {}, "Visibility"), h("th", {}, "Phase"), h("th", { class: "num" }, "Submissions"))),
          h("tbody", {}, rows),
        ),
  );
}

function blankSettings(): ContestSettings {
  const start = new Date(Date.now() + 3600_000);
  start.setMinutes(0, 0, 0);
  return {
    name: "",
    start: start.toISOString(),
    duration_s: 5 * 3600,
    freeze_duration_s: 3600,
    penalty_minutes: 20,
    scoring: "pass-fail",
    visibility: "private",
    registration_start: null,
    registration_end: null,
    max_team_size: 3,
    problems: [],
  };
}

/** The problem list: one row per problem, reorderable; labels follow A, B, C… when added. */
class ProblemRows {
  readonly el = h("tbody", {});
  constructor(problems: EditProblem[]) {
    problems.forEach((p) => this.add(p));
  }

  add(p?: EditProblem): void {
    const label = p?.label ?? String.fromCharCode(65 + this.el.children.length);
    const row = h(
      "tr",
      { class: "problem-row" },
      h("td", {}, input("slug", p?.slug ?? "", { "aria-label": "Problem slug", placeholder: "slug", required: true })),
      h("td", {}, input("label", label, { "aria-label": "Label", size: 4 })),
      h("td", {}, input("color", p?.color ?? "#0969da", { type: "color", "aria-label": "Colour" })),
      h("td", {}, input("points", p?.points ?? 1, { type: "number", min: 0, "aria-label": "Points", class: "short" })),
      h(
        "td",
        { class: "actions" },
        h("button", { type: "button", "aria-label": "Move up", onclick: () => row.previousElementSibling && this.el.insertBefore(row, row.previousElementSibling) }, "↑"),
        h("button", { type: "button", "aria-label": "Remove problem", onclick: () => row.remove() }, "Remove"),
      ),
    );
    this.el.appendChild(row);
  }

  values(): EditProblem[] {
    return Array.from(this.el.querySelectorAll<HTMLTableRowElement>("tr")).map((row) => {
      const get = (name: string) => (row.querySelector(`[name="${name}"]`) as HTMLInputElement).value.trim();
      return { slug: get("slug"), label: get("label"), color: get("color") || null, points: Number(get("points") || 0) };
    });
  }
}

export async function contestEditorPage(app: HTMLElement, id: number | null): Promise<Cleanup> {
  const user = await whoami();
  if (!user || (user.role !== "admin" && user.role !== "moderator")) {
    replace(app, h("h1", {}, "Contest editor"), h("p", { class: "error" }, "This page is for admins and moderators."));
    return;
  }
  const current: OrganisedContest | null = id === null ? null : await api.organisedContest(id);
  const s = current?.settings ?? blankSettings();
  const problems = new ProblemRows(s.problems);
  const form = h(
    "form",
    { class: "card editor-form", "aria-label": "Contest settings" },
    field("Name", input("name", s.name, { required: true, maxlength: 200 })),
    h(
      "div",
      { class: "grid-2" },
      field("Start", input("start", localValue(s.start), { type: "datetime-local", required: true })),
      // Any fraction of a minute (kept to the second): a contest can end at an exact time.
      field("Duration (minutes)", input("duration", s.duration_s / 60, { type: "number", min: 1, step: "any" })),
      field("Freeze before the end (minutes, 0: none)", input("freeze", s.freeze_duration_s / 60, { type: "number", min: 0 })),
      field("Penalty per wrong try (minutes)", input("penalty", s.penalty_minutes, { type: "number", min: 0 })),
      field("Scoring", select("scoring", s.scoring, [["pass-fail", "ICPC (solved, then penalty)"], ["score", "IOI (sum of scores)"]])),
      field(
        "Visibility",
        select("visibility", s.visibility, [
          ["public", "Public: listed, anyone may register"],
          ["private", "Private: only the teams you register"],
          ["invite", "Invite-only: whoever has the link"],
        ]),
      ),
      field("Registration opens", input("reg_start", localValue(s.registration_start), { type: "datetime-local" })),
      field("Registration closes", input("reg_end", localValue(s.registration_end), { type: "datetime-local" })),
      field("Team size (members)", input("team_size", s.max_team_size, { type: "number", min: 1, max: 10 })),
    ),
    h("h2", {}, "Problems"),
    h(
      "table",
      { class: "list problems-editor" },
      h("thead", {}, h("tr", {}, h("th", {}, "Problem (slug)"), h("th", {}, "Label"), h("th", {}, "Colour"), h("th", {}, "Points"), h("th", {}, ""))),
      problems.el,
    ),
    h("div", { class: "actions" }, h("button", { type: "button", onclick: () => problems.add() }, "Add problem")),
    h("p", { class: "error", role: "alert", "data-testid": "editor-error" }),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "primary" }, current ? "Save changes" : "Create contest")),
  );
  const error = form.querySelector("[data-testid=editor-error]") as HTMLElement;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.textContent = "";
    const v = (name: string) => (form.querySelector(`[name="${name}"]`) as HTMLInputElement).value;
    const settings: ContestSettings = {
      name: v("name"),
      start: isoOf(v("start")) ?? "",
      duration_s: Math.round(Number(v("duration")) * 60),
      freeze_duration_s: Math.round(Number(v("freeze")) * 60),
      penalty_minutes: Number(v("penalty")),
      scoring: v("scoring") as ContestSettings["scoring"],
      visibility: v("visibility"),
      registration_start: isoOf(v("reg_start")),
      registration_end: isoOf(v("reg_end")),
      max_team_size: Number(v("team_size")),
      problems: problems.values(),
    };
    try {
      const saved = current ? await api.updateContest(current.id, settings) : await api.createContest(settings);
      toast(current ? "Saved" : `Created ${saved.settings.name}`);
      navigate(`/organise/${saved.id}`);
    } catch (err) {
      error.textContent = err instanceof Error ? err.message : String(err);
    }
  });
  const sections: HTMLElement[] = [form];
  if (current) sections.push(inviteSection(current), await teamsSection(current), dangerSection(current, user.role === "admin"));
  replace(
    app,
    h("p", {}, link("/organise", "← All contests")),
    h("h1", {}, current ? `Edit: ${current.settings.name}` : "New contest"),
    current
      ? h(
          "p",
          { class: "muted" },
          `${current.phase}, ${current.submissions} submissions. `,
          link(`/contest/${current.id}`, "Arena"),
          " · ",
          link(`/moderate/${current.id}`, "Moderate"),
          " · ",
          link(`/contest/${current.id}/board`, "Leaderboard"),
        )
      : null,
    sections,
  );
}

function inviteSection(c: OrganisedContest): HTMLElement {
  if (c.settings.visibility !== "invite" || !c.invite_code) {
    const text =
      c.settings.visibility === "private"
        ? "Private: only the teams registered below (and this contest's moderators) can see it."
        : "Public: listed on the contests page; anyone may register.";
    return h("section", { class: "panel" }, h("h2", {}, "Visibility"), h("p", { class: "muted" }, text));
  }
  const url = `${location.origin}/join/${c.invite_code}`;
  return h(
    "section",
    { class: "panel" },
    h("h2", {}, "Invite link"),
    h("p", {}, "Whoever opens this link (logged in) may register, alone or as a team:"),
    h("p", {}, h("code", { "data-testid": "invite-link" }, url)),
    h(
      "div",
      { class: "actions" },
      h("button", { type: "button", onclick: () => void navigator.clipboard?.writeText(url).then(() => toast("Copied")) }, "Copy"),
      h(
        "button",
        {
          type: "button",
          onclick: async () => {
            try {
              await api.newInvite(c.id);
              toast("New invite link: the old one no longer works");
              navigate(`/organise/${c.id}`);
            } catch (err) {
              fail(err);
            }
          },
        },
        "New link",
      ),
    ),
  );
}

async function teamsSection(c: OrganisedContest): Promise<HTMLElement> {
  const [teams, catalogue] = await Promise.all([api.teams(c.id), api.catalogue()]);
  const orgName = new Map(catalogue.organizations.map((o) => [o.id, o.name]));
  const groupName = new Map(catalogue.groups.map((g) => [g.id, g.name]));
  const row = (t: TeamView) =>
    h(
      "tr",
      { "data-team": t.id },
      h("td", {}, h("strong", {}, t.name), t.disqualified ? h("span", { class: "pill pill-bad" }, "disqualified") : null),
      h("td", {}, t.members.join(", ")),
      h("td", {}, t.organization ? orgName.get(t.organization) ?? t.organization : ""),
      h("td", {}, t.groups.map((g) => h("span", { class: "tag" }, groupName.get(g) ?? g))),
      h("td", {}, t.join_code ? h("code", { title: "A member joins with this code" }, t.join_code) : ""),
      h("td", {}, teamEditor(c.id, t, catalogue)),
    );
  const form = h(
    "form",
    { class: "team-form", "aria-label": "Register a team" },
    h(
      "div",
      { class: "filters" },
      field("Team name", input("team_name", "", { required: true })),
      field("Members (usernames, comma-separated)", input("members", "", { required: true, size: 32 })),
      field("Organization", select("organization", "", [["", "—"], ...catalogue.organizations.map((o): [string, string] => [o.id, o.name])])),
      field(
        "Groups",
        h("select", { name: "groups", multiple: true, size: Math.min(4, Math.max(2, catalogue.groups.length)) }, catalogue.groups.map((g) => h("option", { value: g.id }, g.name))),
      ),
      h("button", { type: "submit", class: "primary" }, "Register team"),
    ),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const v = (name: string) => (form.querySelector(`[name="${name}"]`) as HTMLInputElement).value.trim();
    const groups = Array.from((form.querySelector("[name=groups]") as HTMLSelectElement).selectedOptions, (o) => o.value);
    try {
      await api.createTeam(c.id, {
        name: v("team_name"),
        members: v("members").split(",").map((m) => m.trim()).filter(Boolean),
        organization: v("organization") || null,
        groups,
      });
      toast(`Team ${v("team_name")} registered`);
      navigate(`/organise/${c.id}`);
    } catch (err) {
      fail(err);
    }
  });
  return h(
    "section",
    { class: "panel" },
    h("h2", {}, `Teams (${teams.length})`),
    teams.length === 0
      ? h("p", { class: "muted" }, "No teams yet.")
      : h(
          "table",
          { class: "list", "data-testid": "teams" },
          h("thead", {}, h("tr", {}, h("th", {}, "Team"), h("th", {}, "Members"), h("th", {}, "Organization"), h("th", {}, "Groups"), h("th", {}, "Join code"), h("th", {}, ""))),
          h("tbody", {}, teams.map(row)),
        ),
    form,
  );
}

function dangerSection(c: OrganisedContest, admin: boolean): HTMLElement {
  const cloneName = input("clone_name", `${c.settings.name} (copy)`, { "aria-label": "Name of the copy" });
  const cloneStart = input("clone_start", localValue(new Date(Date.now() + 7 * 86400_000).toISOString()), { type: "datetime-local", "aria-label": "Start of the copy" });
  return h(
    "section",
    { class: "panel" },
    h("h2", {}, "Clone or delete"),
    admin
      ? h(
          "div",
          { class: "filters" },
          field("Copy's name", cloneName),
          field("Copy's start", cloneStart),
          h(
            "button",
            {
              type: "button",
              onclick: async () => {
                try {
                  const made = await api.cloneContest(c.id, cloneName.value, isoOf(cloneStart.value) ?? "");
                  toast(`Cloned as ${made.settings.name}`);
                  navigate(`/organise/${made.id}`);
                } catch (err) {
                  fail(err);
                }
              },
            },
            "Clone",
          ),
        )
      : null,
    h(
      "div",
      { class: "actions" },
      h(
        "button",
        {
          type: "button",
          class: "danger",
          disabled: c.submissions > 0,
          title: c.submissions > 0 ? "A contest with submissions cannot be deleted" : "",
          onclick: async () => {
            if (!confirm(`Delete ${c.settings.name}?`)) return;
            try {
              await api.deleteContest(c.id);
              toast("Deleted");
              navigate("/organise");
            } catch (err) {
              fail(err);
            }
          },
        },
        "Delete contest",
      ),
      c.submissions > 0 ? h("span", { class: "hint" }, "It has submissions: it cannot be deleted.") : null,
    ),
  );
}

export async function cataloguePage(app: HTMLElement): Promise<Cleanup> {
  let catalogue: Catalogue = await api.catalogue();
  const render = () => {
    const org = h(
      "form",
      { class: "filters", "aria-label": "Add an organization" },
      field("Id", input("org_id", "", { required: true, size: 10 })),
      field("Name", input("org_name", "", { required: true })),
      field("Country (ISO alpha-3)", input("org_country", "", { size: 4, maxlength: 3 })),
      h("button", { type: "submit", class: "primary" }, "Save organization"),
    );
    org.addEventListener("submit", async (event) => {
      event.preventDefault();
      const v = (name: string) => (org.querySelector(`[name="${name}"]`) as HTMLInputElement).value.trim();
      try {
        catalogue = await api.saveOrganization({ id: v("org_id"), name: v("org_name"), country: v("org_country") || null, formal_name: null });
        render();
      } catch (err) {
        fail(err);
      }
    });
    const group = h(
      "form",
      { class: "filters", "aria-label": "Add a group" },
      field("Id", input("group_id", "", { required: true, size: 10 })),
      field("Name", input("group_name", "", { required: true })),
      h("label", { class: "check" }, h("input", { type: "checkbox", name: "group_hidden" }), "hidden from the public board"),
      h("button", { type: "submit", class: "primary" }, "Save group"),
    );
    group.addEventListener("submit", async (event) => {
      event.preventDefault();
      const v = (name: string) => (group.querySelector(`[name="${name}"]`) as HTMLInputElement).value.trim();
      const hidden = (group.querySelector("[name=group_hidden]") as HTMLInputElement).checked;
      try {
        catalogue = await api.saveGroup({ id: v("group_id"), name: v("group_name"), hidden });
        render();
      } catch (err) {
        fail(err);
      }
    });
    replace(
      app,
      h("p", {}, link("/organise", "← All contests")),
      h("h1", {}, "Organizations and groups"),
      h("section", { class: "panel" }, h("h2", {}, "Organizations"),
        h("ul", { "data-testid": "organizations" }, catalogue.organizations.map((o) => h("li", { "data-organization": o.id }, h("strong", {}, o.name), ` (${o.id}${o.country ? `, ${o.country}` : ""}) `, logoControl(o.id, o.name)))),
        org),
      h("section", { class: "panel" }, h("h2", {}, "Groups"),
        h("ul", { "data-testid": "groups" }, catalogue.groups.map((g) => h("li", {}, h("strong", {}, g.name), ` (${g.id})`, g.hidden ? h("span", { class: "pill" }, "hidden") : null))),
        group),
    );
  };
  render();
}
