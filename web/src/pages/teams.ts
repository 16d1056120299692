// Teams as their members and organisers meet them: the invite page (register alone, form a team
// with its organization and groups, or join one with its code), the team panel of the contest
// page (the join code a member passes on), and an organiser's change to a team in the editor.
import { api, whoami } from "../api";
import { field, h, navigate, replace, toast, toastError } from "../dom";
import type { Catalogue, TeamView } from "../protocol";
import type { Cleanup } from "./simple";

const fail = toastError;

/** An organization choice (none first) and a groups multi-select, from a catalogue. */
function catalogueControls(catalogue: Catalogue, organization: string | null, groups: string[]): [HTMLSelectElement, HTMLSelectElement] {
  const org = h(
    "select",
    { name: "organization" },
    h("option", { value: "" }, "—"),
    catalogue.organizations.map((o) => h("option", { value: o.id, selected: o.id === organization }, o.name)),
  );
  const chosen = new Set(groups);
  const many = h(
    "select",
    { name: "groups", multiple: true, size: Math.min(4, Math.max(2, catalogue.groups.length)) },
    catalogue.groups.map((g) => h("option", { value: g.id, selected: chosen.has(g.id) }, g.name)),
  );
  return [org, many];
}

const selected = (many: HTMLSelectElement) => Array.from(many.selectedOptions, (o) => o.value);

/** /join/<code>: an invite-only contest's link; register alone, as a new team, or into a team. */
export async function joinPage(app: HTMLElement, code: string): Promise<Cleanup> {
  const user = await whoami();
  if (!user) return navigate(`/login?next=/join/${encodeURIComponent(code)}`);
  const [target, choices] = await Promise.all([api.invite(code), api.teamChoices()]);
  const teamName = h("input", { name: "team_name", value: "" });
  const joinCode = h("input", { name: "join_code", value: "" });
  const [org, groups] = catalogueControls(choices, null, []);
  const go = async (body: { invite: string; team_name?: string; join_code?: string; organization?: string | null; groups?: string[] }) => {
    try {
      await api.registerWith(target.contest_id, body);
      toast(`Registered for ${target.name}`);
      // The contest page shows the team and its join code, for the creator to pass on.
      navigate(`/contest/${target.contest_id}`);
    } catch (err) {
      fail(err);
    }
  };
  replace(
    app,
    h(
      "div",
      { class: "card narrow wide-narrow" },
      h("h1", {}, target.name),
      h("p", {}, "You are invited to this contest."),
      h("div", { class: "actions" }, h("button", { type: "button", class: "primary", onclick: () => go({ invite: code }) }, "Register alone")),
      h("h2", {}, "As a team"),
      field("New team's name", teamName),
      choices.organizations.length ? field("Organization", org) : null,
      choices.groups.length ? field("Groups", groups) : null,
      h("button", { type: "button", onclick: () => go({ invite: code, team_name: teamName.value.trim(), organization: org.value || null, groups: selected(groups) }) }, "Create the team"),
      field("Or join a team with its code", joinCode),
      h("button", { type: "button", onclick: () => go({ invite: code, join_code: joinCode.value.trim() }) }, "Join the team"),
    ),
  );
}

/** The caller's team on the contest page: its members and the code teammates join with. */
export async function teamPanel(cid: number): Promise<HTMLElement | null> {
  let team: TeamView;
  try {
    team = await api.myTeam(cid);
  } catch {
    return null; // not in a team (alone, or a moderator)
  }
  return h(
    "section",
    { class: "my-team", "data-testid": "my-team" },
    h("h3", {}, `Team ${team.name}`),
    h("p", { class: "muted" }, team.members.join(", ")),
    team.join_code
      ? h("p", {}, "Teammates join with the code ", h("code", { "data-testid": "team-join-code" }, team.join_code), " (on the contest's invite page, or registering with it).")
      : null,
  );
}

/** An organiser's "Edit" in the editor's team list: name, organization and groups. */
export function teamEditor(cid: number, team: TeamView, catalogue: Catalogue): HTMLElement {
  const box = h("div", { class: "team-edit" });
  const open = () => {
    const name = h("input", { name: "edit_team_name", value: team.name, required: true, "aria-label": `Name of team ${team.name}` });
    const [org, groups] = catalogueControls(catalogue, team.organization, team.groups);
    const form = h(
      "form",
      { class: "filters", "aria-label": `Edit team ${team.name}` },
      field("Name", name),
      field("Organization", org),
      field("Groups", groups),
      h("button", { type: "submit", class: "primary" }, "Save team"),
      h("button", { type: "button", class: "link", onclick: () => replace(box, edit) }, "Cancel"),
    );
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      try {
        const saved = await api.updateTeam(cid, team.id, { name: name.value.trim(), organization: org.value || null, groups: selected(groups) });
        toast(`Team ${saved.name} saved`);
        navigate(`/organise/${cid}`);
      } catch (err) {
        fail(err);
      }
    });
    replace(box, form);
  };
  const edit = h("button", { type: "button", class: "link", onclick: open }, "Edit");
  replace(box, edit);
  return box;
}
