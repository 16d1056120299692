// A bank problem: the workspace with practice submissions, and likes.
import { api, call, whoami } from "../api";
import { h, navigate, replace } from "../dom";
import { typeset } from "../math";
import type { Editorial } from "../protocol";
import type { Cleanup } from "./simple";
import { Workspace } from "./workspace";

export async function problemPage(app: HTMLElement, slug: string): Promise<Cleanup> {
  const detail = await api.problem(slug);
  const user = await whoami();
  const like = h(
    "button",
    {
      type: "button",
      class: "secondary like",
      "aria-pressed": String(detail.liked),
      onclick: async () => {
        if (!user) return navigate(`/login?next=${encodeURIComponent(location.pathname)}`);
        const result = await api.like(slug, like.getAttribute("aria-pressed") !== "true");
        like.setAttribute("aria-pressed", String(result.liked));
        like.textContent = `♥ ${result.likes}`;
      },
    },
    `♥ ${detail.likes}`,
  );
  const workspace = new Workspace(detail, {
    scope: slug,
    heading: h("h1", {}, detail.title, detail.solved ? h("span", { class: "solved-mark", title: "solved" }, " ✓") : null, " ", like),
    run: (language, source, input) => requireLogin(user, () => api.run(slug, language, source, input)),
    submit: async (language, source) => requireLogin(user, async () => (await api.practiceSubmit(slug, language, source)).id),
    statementIn: (lang) => api.problem(slug, lang),
  });
  replace(app, workspace.el, editorialSection(slug));
  return () => workspace.stop();
}

async function requireLogin<T>(user: unknown, action: () => Promise<T>): Promise<T> {
  if (!user) {
    navigate(`/login?next=${encodeURIComponent(location.pathname)}`);
    throw new Error("Please log in first.");
  }
  return action();
}


/** The editorial, fetched when opened (it is shown once every contest with the problem is over). */
function editorialSection(slug: string): HTMLElement {
  const body = h("div", { class: "statement editorial", "data-testid": "editorial" });
  const section = h("details", { class: "panel editorial-box" }, h("summary", {}, "Editorial"), body);
  let loaded = false;
  section.addEventListener("toggle", async () => {
    if (!section.open || loaded) return;
    loaded = true;
    try {
      body.innerHTML = (await call<Editorial>("GET", `/api/problems/${encodeURIComponent(slug)}/editorial`)).html; // sanitized by the hub
      typeset(body);
    } catch {
      replace(body, h("p", { class: "muted" }, "No editorial yet."));
    }
  });
  return section;
}
