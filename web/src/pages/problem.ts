// A bank problem: the workspace with practice submissions, and likes.
import { api, whoami } from "../api";
import { h, navigate, replace } from "../dom";
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
  });
  replace(app, workspace.el);
  return () => workspace.stop();
}

async function requireLogin<T>(user: unknown, action: () => Promise<T>): Promise<T> {
  if (!user) {
    navigate(`/login?next=${encodeURIComponent(location.pathname)}`);
    throw new Error("Please log in first.");
  }
  return action();
}

