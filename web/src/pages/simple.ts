// The plain pages: log in / register, the problem bank, a bank problem, contests, the profile.
import { api, moderates, setUser, whoami } from "../api";
import { lineChart } from "../charts";
import { field, h, link, navigate, replace, toast, toastError, verdictBadge, when } from "../dom";
import type { ContestView } from "../protocol";
import { ratingSection } from "../rating";

export type Cleanup = (() => void) | void;

export async function authPage(app: HTMLElement, mode: "login" | "register"): Promise<Cleanup> {
  const username = h("input", { id: "username", name: "username", autocomplete: "username", required: true, minlength: 2, maxlength: 32 });
  const password = h("input", {
    id: "password",
    name: "password",
    type: "password",
    autocomplete: mode === "login" ? "current-password" : "new-password",
    required: true,
    minlength: 8,
  });
  const error = h("p", { class: "error", role: "alert" });
  const query = new URLSearchParams(location.search);
  const next = query.get("next") || "/contests";
  const registered = mode === "login" ? query.get("registered") : null;
  const form = h(
    "form",
    {
      class: "card narrow",
      onsubmit: async (event: Event) => {
        event.preventDefault();
        error.textContent = "";
        try {
          if (mode === "register") {
            await api.register(username.value, password.value);
            const after = new URLSearchParams({ registered: username.value, next });
            return navigate(`/login?${after}`);
          }
          const result = await api.login(username.value, password.value);
          setUser(result.user);
          window.dispatchEvent(new Event("arena:user"));
          navigate(safeNext(next));
        } catch (err) {
          error.textContent = err instanceof Error ? err.message : String(err);
        }
      },
    },
    h("h1", {}, mode === "login" ? "Log in" : "Create an account"),
    registered ? h("p", { class: "notice", role: "status" }, `Account ${registered} created: log in.`) : null,
    field("Username", username),
    field("Password", password),
    mode === "register" ? h("p", { class: "muted" }, "2–32 letters, digits, _ . -; a password of at least 8 characters.") : null,
    error,
    h("button", { type: "submit", class: "primary" }, mode === "login" ? "Log in" : "Register"),
    h(
      "p",
      {},
      mode === "login" ? ["No account? ", link("/register", "Register")] : ["Have an account? ", link("/login", "Log in")],
    ),
  );
  replace(app, form);
  if (registered) username.value = registered;
  (registered ? password : username).focus();
}

/** Only a path of this site: browsers read `//host` and `/\host` as another site (and drop tabs
 * and newlines first), so those are refused and what is left must resolve to this origin. */
export function safeNext(next: string): string {
  const fallback = "/contests";
  if (!next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) return fallback;
  try {
    const url = new URL(next, location.origin);
    return url.origin === location.origin ? `${url.pathname}${url.search}${url.hash}` : fallback;
  } catch {
    return fallback;
  }
}

export async function bankPage(app: HTMLElement): Promise<Cleanup> {
  const params = new URLSearchParams(location.search);
  const page = Number(params.get("page") || 1);
  const tag = params.get("tag") || "";
  const difficulty = params.get("difficulty") || "";
  const search = params.get("q") || "";
  const list = await api.problems(page, tag, difficulty, search);
  const go = (changes: Record<string, string | number>) => {
    const next = new URLSearchParams({ page: String(page), q: search, tag, difficulty, ...Object.fromEntries(Object.entries(changes).map(([k, v]) => [k, String(v)])) });
    for (const [k, v] of [...next.entries()]) if (!v) next.delete(k);
    navigate(`/problems?${next}`);
  };
  const searchInput = h("input", { id: "q", name: "q", type: "search", value: search, maxlength: 200, placeholder: "words in titles and statements" });
  const tagInput = h("input", { id: "tag", name: "tag", value: tag, placeholder: "e.g. math" });
  const diffSelect = h(
    "select",
    { id: "difficulty", name: "difficulty" },
    ["", "easy", "medium", "hard"].map((d) => h("option", { value: d, selected: d === difficulty }, d || "any")),
  );
  const pages = Math.max(1, Math.ceil(list.total / list.page_size));
  replace(
    app,
    h("h1", {}, "Problems"),
    h(
      "form",
      { class: "filters", onsubmit: (e: Event) => (e.preventDefault(), go({ page: 1, q: searchInput.value.trim(), tag: tagInput.value.trim(), difficulty: diffSelect.value })) },
      field("Search", searchInput),
      field("Tag", tagInput),
      field("Difficulty", diffSelect),
      h("button", { type: "submit", class: "secondary" }, "Filter"),
    ),
    h(
      "table",
      { class: "list", "data-testid": "bank" },
      h("thead", {}, h("tr", {}, h("th", { "aria-label": "Solved" }, ""), h("th", {}, "Problem"), h("th", {}, "Difficulty"), h("th", { class: "hide-phone" }, "Tags"), h("th", { class: "num" }, "Solved by"), h("th", { class: "num hide-phone" }, "Likes"))),
      h(
        "tbody",
        {},
        list.items.length === 0 ? h("tr", {}, h("td", { colspan: 6, class: "muted" }, "No problems match.")) : null,
        list.items.map((p) =>
          h(
            "tr",
            {},
            h("td", {}, p.solved ? h("span", { class: "solved-mark", title: "solved" }, "✓") : ""),
            h("td", {}, link(`/problems/${encodeURIComponent(p.slug)}`, p.title)),
            h("td", {}, h("span", { class: `difficulty d-${p.difficulty}` }, p.difficulty)),
            h("td", { class: "hide-phone" }, p.tags.map((t) => h("button", { type: "button", class: "tag", onclick: () => go({ page: 1, tag: t }) }, t))),
            h("td", { class: "num" }, `${p.accepted}/${p.submissions}`),
            h("td", { class: "num hide-phone" }, p.likes),
          ),
        ),
      ),
    ),
    h(
      "nav",
      { class: "pager", "aria-label": "Pages" },
      h("button", { type: "button", disabled: page <= 1, onclick: () => go({ page: page - 1 }) }, "‹ Previous"),
      h("span", {}, `Page ${page} of ${pages} · ${list.total} problems`),
      h("button", { type: "button", disabled: page >= pages, onclick: () => go({ page: page + 1 }) }, "Next ›"),
    ),
  );
}

export async function contestsPage(app: HTMLElement): Promise<Cleanup> {
  const [list, user] = await Promise.all([api.contests(), whoami()]);
  const row = (c: ContestView) => {
    const actions: (HTMLElement | null)[] = [];
    if (c.phase !== "ended" && !c.registered && c.registration_open) {
      actions.push(
        h(
          "button",
          {
            type: "button",
            class: "primary",
            onclick: async () => {
              if (!user) return navigate(`/login?next=/contests`);
              try {
                await api.registerFor(c.id);
                toast(`Registered for ${c.name}`);
                navigate(c.phase === "running" ? `/contest/${c.id}` : "/contests");
              } catch (err) {
                toastError(err);
              }
            },
          },
          "Register",
        ),
      );
    }
    if (c.registered) actions.push(h("span", { class: "pill" }, "registered"));
    const isMod = moderates(user, c.id);
    if (c.phase === "running" && (c.registered || isMod)) actions.push(link(`/contest/${c.id}`, "Enter arena"));
    if (c.phase !== "upcoming") actions.push(link(`/contest/${c.id}/board`, "Leaderboard"));
    if (c.phase !== "upcoming" && c.public) actions.push(link(`/spectate/${c.id}`, "Spectate"));
    if (isMod) actions.push(link(`/moderate/${c.id}`, "Moderate"));
    return h(
      "tr",
      { "data-contest": c.id },
      h("td", {}, h("strong", {}, c.name), c.frozen ? h("span", { class: "pill" }, "frozen") : null),
      h("td", {}, when(c.start)),
      h("td", { class: "hide-phone" }, when(c.end)),
      h("td", {}, c.scoring === "score" ? "score" : "ICPC"),
      h("td", { class: "actions" }, actions),
    );
  };
  const table = (title: string, items: ContestView[]) =>
    h(
      "section",
      {},
      h("h2", {}, title),
      items.length === 0
        ? h("p", { class: "muted" }, "None.")
        : h(
            "table",
            { class: "list" },
            h("thead", {}, h("tr", {}, h("th", {}, "Contest"), h("th", {}, "Starts"), h("th", { class: "hide-phone" }, "Ends"), h("th", {}, "Scoring"), h("th", {}, ""))),
            h("tbody", {}, items.map(row)),
          ),
    );
  replace(app, h("h1", {}, "Contests"), table("Running", list.running), table("Upcoming", list.upcoming), table("Past", list.past));
}

export async function profilePage(app: HTMLElement): Promise<Cleanup> {
  const profile = await api.me();
  const contests = [...profile.contests].reverse(); // oldest first along the plot
  replace(
    app,
    h("h1", {}, profile.user.username, h("span", { class: "pill" }, profile.user.role)),
    h("p", { class: "muted" }, link(`/users/${encodeURIComponent(profile.user.username)}`, "Your public profile")),
    ...ratingSection(profile.rating),
    h("h2", {}, "Results over time"),
    lineChart(
      contests.map((c) => ({ label: c.name, value: c.rank })),
      "Rank in each finished contest (higher on the chart is better)",
      true,
    ),
    h("h2", {}, "Past contests"),
    profile.contests.length === 0
      ? h("p", { class: "muted" }, "No finished contests yet.")
      : h(
          "table",
          { class: "list", "data-testid": "past-contests" },
          h("thead", {}, h("tr", {}, h("th", {}, "Contest"), h("th", { class: "num" }, "Rank"), h("th", { class: "num" }, "Solved"), h("th", { class: "num" }, "Penalty"), h("th", { class: "num" }, "Score"))),
          h(
            "tbody",
            {},
            profile.contests.map((c) =>
              h("tr", {}, h("td", {}, link(`/contest/${c.contest_id}/board`, c.name)), h("td", { class: "num" }, c.rank), h("td", { class: "num" }, c.solved), h("td", { class: "num" }, c.penalty), h("td", { class: "num" }, c.score)),
            ),
          ),
        ),
    h("h2", {}, "Recent submissions"),
    h(
      "table",
      { class: "list", "data-testid": "my-submissions" },
      h("thead", {}, h("tr", {}, h("th", {}, "#"), h("th", {}, "Problem"), h("th", {}, "Language"), h("th", {}, "Verdict"), h("th", { class: "hide-phone" }, "When"))),
      h(
        "tbody",
        {},
        profile.submissions.map((s) =>
          h(
            "tr",
            {},
            h("td", {}, s.id),
            h("td", {}, s.contest_id ? `${s.problem} (contest ${s.contest_id})` : link(`/problems/${s.problem}`, s.problem)),
            h("td", {}, s.language),
            h("td", {}, verdictBadge(s.verdict, s.status)),
            h("td", { class: "hide-phone" }, when(s.submitted_at)),
          ),
        ),
      ),
    ),
  );
}

/** Anyone's public profile: rating, its history and the final standings. */
export async function userPage(app: HTMLElement, name: string): Promise<Cleanup> {
  const profile = await api.user(name);
  replace(
    app,
    h("h1", {}, profile.username),
    ...ratingSection(profile.rating),
    h("h2", {}, "Past contests"),
    profile.contests.length === 0
      ? h("p", { class: "muted" }, "No finished contests yet.")
      : h(
          "table",
          { class: "list", "data-testid": "past-contests" },
          h("thead", {}, h("tr", {}, h("th", {}, "Contest"), h("th", { class: "num" }, "Rank"), h("th", { class: "num" }, "Solved"), h("th", { class: "num" }, "Penalty"), h("th", { class: "num" }, "Score"))),
          h("tbody", {}, profile.contests.map((c) => h("tr", {}, h("td", {}, link(`/contest/${c.contest_id}/board`, c.name)), h("td", { class: "num" }, c.rank), h("td", { class: "num" }, c.solved), h("td", { class: "num" }, c.penalty), h("td", { class: "num" }, c.score)))),
        ),
  );
}
