// A few DOM helpers: element building, toasts, time formatting, navigation.

type Attrs = Record<string, string | number | boolean | EventListener | null | undefined>;
type Child = Node | string | number | null | undefined | false | Child[];

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") {
      el.addEventListener(name.slice(2), value);
    } else if (name === "class") {
      el.className = String(value);
    } else {
      el.setAttribute(name, value === true ? "" : String(value));
    }
  }
  append(el, children);
  return el;
}

export function append(parent: Node, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(parent, child);
    else parent.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function replace(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, children);
}

/** A link handled by the client-side router. */
export function link(href: string, ...children: Child[]): HTMLAnchorElement {
  return h("a", { href, "data-nav": true }, ...children);
}

export function navigate(path: string): void {
  history.pushState(null, "", path);
  window.dispatchEvent(new Event("arena:navigate"));
}

/** Runs the current route again (the page is rebuilt from the API), without a history entry. */
export function rerun(): void {
  window.dispatchEvent(new Event("arena:navigate"));
}

export function toast(text: string, kind: "info" | "error" | "announcement" = "info"): void {
  const box = document.getElementById("toasts");
  if (!box) return;
  const item = h(
    "div",
    { class: `toast toast-${kind}`, role: kind === "error" ? "alert" : "status" },
    kind === "announcement" ? h("strong", {}, "Announcement: ") : null,
    text,
    h("button", { class: "toast-close", "aria-label": "Dismiss", onclick: () => item.remove() }, "×"),
  );
  box.appendChild(item);
  setTimeout(() => item.remove(), kind === "announcement" ? 15000 : 6000);
}

/** What went wrong, in words (an API error's message, or anything thrown). */
export const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** A failure told as an error toast. */
export const toastError = (err: unknown): void => toast(errorText(err), "error");

export function when(iso: string): string {
  const d = new Date(iso);
  return d.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

export function clock(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const hh = Math.floor(s / 3600);
  const mm = Math.floor((s % 3600) / 60);
  const ss = s % 60;
  const two = (n: number) => String(n).padStart(2, "0");
  return hh > 0 ? `${hh}:${two(mm)}:${two(ss)}` : `${two(mm)}:${two(ss)}`;
}

export const VERDICT_NAMES: Record<string, string> = {
  AC: "Accepted",
  WA: "Wrong Answer",
  TLE: "Time Limit Exceeded",
  MLE: "Memory Limit Exceeded",
  RTE: "Run-Time Error",
  OLE: "Output Limit Exceeded",
  CE: "Compilation Error",
  JE: "Judging Error",
};

export function verdictBadge(verdict: string | null, status = "done"): HTMLElement {
  if (verdict === null || status === "queued" || status === "judging") {
    return h("span", { class: "verdict verdict-pending", title: status }, status === "judging" ? "Judging" : "Queued");
  }
  return h("span", { class: `verdict verdict-${verdict}`, title: VERDICT_NAMES[verdict] ?? verdict }, verdict);
}

export function field(label: string, control: HTMLElement): HTMLLabelElement {
  return h("label", { class: "field" }, h("span", {}, label), control);
}
