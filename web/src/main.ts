// The app shell: header navigation, the history-API router, and page lifecycles.
import "./style.css";
import { api, isModerator, setUser, whoami } from "./api";
import { h, link, navigate, replace } from "./dom";
import { type Cleanup, authPage, bankPage, contestsPage, profilePage, userPage } from "./pages/simple";

// The editor (CodeMirror) and KaTeX load with the pages that need them.
const problemPage = async (app: HTMLElement, slug: string) => (await import("./pages/problem")).problemPage(app, slug);
const arenaPage = async (app: HTMLElement, id: number, label: string | null) => (await import("./pages/contest")).arenaPage(app, id, label);
const boardPage = async (app: HTMLElement, id: number, spectate: boolean) => (await import("./pages/board")).boardPage(app, id, spectate);
const moderatePage = async (app: HTMLElement, id: number) => (await import("./pages/moderate")).moderatePage(app, id);
const judgingPage = async (app: HTMLElement) => (await import("./pages/judging")).judgingPage(app);
const virtualPage = async (app: HTMLElement, id: number) => (await import("./pages/after")).virtualPage(app, id);
const upsolvePage = async (app: HTMLElement, id: number) => (await import("./pages/after")).upsolvePage(app, id);
const reviewPage = async (app: HTMLElement, id: number, label: string) => (await import("./pages/review")).reviewPage(app, id, label);
const organise = () => import("./pages/organise");
const benchPage = async (app: HTMLElement) => (await import("./pages/bench")).benchPage(app);

type Page = (app: HTMLElement, ...params: string[]) => Promise<Cleanup>;

const routes: [RegExp, Page][] = [
  [/^\/$/, (app) => contestsPage(app)],
  [/^\/login$/, (app) => authPage(app, "login")],
  [/^\/register$/, (app) => authPage(app, "register")],
  [/^\/problems$/, (app) => bankPage(app)],
  [/^\/problems\/([^/]+)$/, (app, slug) => problemPage(app, decodeURIComponent(slug))],
  [/^\/contests$/, (app) => contestsPage(app)],
  [/^\/contest\/(\d+)$/, (app, id) => arenaPage(app, Number(id), null)],
  [/^\/contest\/(\d+)\/problem\/([^/]+)$/, (app, id, label) => arenaPage(app, Number(id), decodeURIComponent(label))],
  [/^\/contest\/(\d+)\/review\/([^/]+)$/, (app, id, label) => reviewPage(app, Number(id), decodeURIComponent(label))],
  [/^\/contest\/(\d+)\/board$/, (app, id) => boardPage(app, Number(id), false)],
  [/^\/contest\/(\d+)\/virtual$/, (app, id) => virtualPage(app, Number(id))],
  [/^\/contest\/(\d+)\/upsolve$/, (app, id) => upsolvePage(app, Number(id))],
  [/^\/spectate\/(\d+)$/, (app, id) => boardPage(app, Number(id), true)],
  [/^\/moderate\/(\d+)$/, (app, id) => moderatePage(app, Number(id))],
  [/^\/profile$/, (app) => profilePage(app)],
  [/^\/users\/([^/]+)$/, (app, name) => userPage(app, decodeURIComponent(name))],
  [/^\/admin\/judging$/, (app) => judgingPage(app)],
  [/^\/organise$/, async (app) => (await organise()).organiseListPage(app)],
  [/^\/organise\/new$/, async (app) => (await organise()).contestEditorPage(app, null)],
  [/^\/organise\/catalogue$/, async (app) => (await organise()).cataloguePage(app)],
  [/^\/organise\/problems$/, async (app) => (await import("./pages/upload")).uploadPage(app)],
  [/^\/organise\/(\d+)$/, async (app, id) => (await organise()).contestEditorPage(app, Number(id))],
  [/^\/join\/([^/]+)$/, async (app, code) => (await import("./pages/teams")).joinPage(app, decodeURIComponent(code))],
  [/^\/bench\/board$/, (app) => benchPage(app)],
];

let cleanup: Cleanup;
let generation = 0;

async function route(): Promise<void> {
  const main = document.getElementById("app") as HTMLElement;
  if (typeof cleanup === "function") cleanup();
  cleanup = undefined;
  const mine = ++generation;
  const path = location.pathname.replace(/\/+$/, "") || "/";
  const found = routes.find(([pattern]) => pattern.test(path));
  document.body.classList.remove("board-mode");
  // Each route renders into its own view: a page still loading when the next route starts
  // (its API call slower than the new page's) then writes into a detached node, not over it.
  const app = h("div", { class: "view" });
  replace(main, app);
  if (!found) {
    replace(app, h("h1", {}, "Not found"), h("p", {}, "There is no page here. ", link("/contests", "See the contests")));
    return;
  }
  replace(app, h("p", { class: "muted loading" }, "Loading…"));
  try {
    const params = (found[0].exec(path) ?? []).slice(1);
    const done = await found[1](app, ...params);
    if (mine === generation) cleanup = done || undefined;
    else if (typeof done === "function") done();
  } catch (err) {
    if (mine !== generation) return;
    const message = err instanceof Error ? err.message : String(err);
    replace(app, h("h1", {}, "Something went wrong"), h("p", { class: "error", role: "alert" }, message));
  }
  void renderTop();
}

async function renderTop(): Promise<void> {
  const user = await whoami();
  const top = document.getElementById("top") as HTMLElement;
  const here = location.pathname;
  const nav = (href: string, text: string) => {
    const a = link(href, text);
    if (here === href || (href !== "/" && here.startsWith(href))) a.setAttribute("aria-current", "page");
    return a;
  };
  replace(
    top,
    h(
      "nav",
      { class: "topnav", "aria-label": "Main" },
      link("/", h("span", { class: "logo" }, "Arena")),
      nav("/problems", "Problems"),
      nav("/contests", "Contests"),
      isModerator(user) ? nav("/organise", "Organise") : null,
      h("span", { class: "spacer" }),
      user
        ? [
            nav("/profile", user.username),
            isModerator(user) ? h("span", { class: "pill" }, user.role) : null,
            user.role === "admin" ? nav("/admin/judging", "Judging") : null,
            h("button", { type: "button", class: "link", onclick: async () => { await api.logout(); setUser(null); navigate("/contests"); } }, "Log out"),
          ]
        : [nav("/login", "Log in"), nav("/register", "Register")],
    ),
  );
}

document.addEventListener("click", (event) => {
  const a = (event.target as Element).closest?.("a[data-nav]") as HTMLAnchorElement | null;
  if (!a || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
  event.preventDefault();
  navigate(a.getAttribute("href") ?? "/");
});
window.addEventListener("popstate", () => void route());
window.addEventListener("arena:navigate", () => void route());
window.addEventListener("arena:user", () => void renderTop());
void route();
