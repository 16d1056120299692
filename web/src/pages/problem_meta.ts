// Admins edit a live problem's metadata (title, difficulty, tags, credits, statement languages) in place: no new
// package version, audited by the hub; the bank and the statement show the edit at once.
import { call } from "../api";
import { errorText, field, h, replace, toast } from "../dom";
import type { ProblemMeta, ProblemMetaBody } from "../protocol";

const DIFFICULTIES = ["easy", "medium", "hard"];
const message = errorText;

/** The "Live problems" section of /organise/problems: a table and an editor for one row. */
export function problemMetaSection(): { el: HTMLElement; load: () => Promise<void> } {
  const rows = h("tbody", {});
  const editor = h("div", { class: "meta-editor" });

  const edit = (meta: ProblemMeta): void => {
    const title = h("input", { name: "title", value: meta.title, maxlength: 200 });
    const difficulty = h("select", { name: "difficulty" }, DIFFICULTIES.map((d) => h("option", { value: d, selected: d === meta.difficulty }, d)));
    const tags = h("input", { name: "tags", value: meta.tags.join(", "), placeholder: "comma-separated" });
    const author = h("input", { name: "author", value: meta.author, maxlength: 200 });
    const source = h("input", { name: "source", value: meta.source, maxlength: 200 });
    // The package's statement languages: which are offered, and the default among them.
    const offered = meta.package_langs.map((l) =>
      h("input", { type: "checkbox", name: "statement-langs", value: l, checked: meta.statement_langs.includes(l) }),
    );
    const defaultLang = h("select", { name: "statement-lang" }, meta.package_langs.map((l) => h("option", { value: l, selected: l === meta.statement_lang }, l)));
    const langs = meta.package_langs.length
      ? h(
          "fieldset",
          { class: "statement-langs" },
          h("legend", {}, "Statement languages offered"),
          offered.map((box) => h("label", { class: "check" }, box, ` ${box.value}`)),
          field("Default statement language", defaultLang),
        )
      : null;
    const refusal = h("p", { class: "error", hidden: true, "data-refused": "1" });
    const save = h("button", { type: "submit", class: "primary" }, "Save metadata");
    const form = h(
      "form",
      { class: "meta-form", "data-slug": meta.slug },
      h("h3", {}, `Edit ${meta.slug}`, h("span", { class: "muted" }, ` (version ${meta.version}, revision ${meta.meta_rev})`)),
      field("Title", title),
      field("Problem difficulty", difficulty),
      field("Problem tags", tags),
      field("Author", author),
      field("Source", source),
      langs,
      refusal,
      save,
    );
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const body: ProblemMetaBody = {
        title: title.value,
        difficulty: difficulty.value,
        tags: tags.value.split(",").map((t) => t.trim()).filter(Boolean),
        author: author.value,
        source: source.value,
        meta_rev: meta.meta_rev,
        // Left out (null) for a package without statements: nothing to choose.
        statement_langs: langs ? offered.filter((box) => box.checked).map((box) => box.value) : null,
        statement_lang: langs ? defaultLang.value : null,
      };
      save.disabled = true;
      call<ProblemMeta>("PUT", `/api/organise/problems/${encodeURIComponent(meta.slug)}`, body)
        .then((saved) => {
          toast(`Saved ${saved.slug}`);
          edit(saved);
          return load();
        })
        .catch((err: unknown) => {
          refusal.hidden = false;
          refusal.textContent = message(err);
        })
        .finally(() => {
          save.disabled = false;
        });
    });
    replace(editor, form);
  };

  const load = async (): Promise<void> => {
    const live = await call<ProblemMeta[]>("GET", "/api/organise/problems");
    replace(
      rows,
      live.map((p) =>
        h(
          "tr",
          { "data-problem": p.slug },
          h("td", {}, h("a", { href: `/problems/${p.slug}` }, p.slug)),
          h("td", { class: "meta-title" }, p.title),
          h("td", {}, h("span", { class: `difficulty d-${p.difficulty}` }, p.difficulty)),
          h("td", {}, p.tags.map((t) => h("span", { class: "tag" }, t))),
          h("td", { class: "num" }, p.version),
          h("td", {}, h("button", { type: "button", "data-edit": p.slug, onclick: () => edit(p) }, "Edit")),
        ),
      ),
    );
  };

  const el = h(
    "section",
    { class: "live-problems", "aria-label": "Live problems" },
    h("h2", {}, "Live problems"),
    h("p", { class: "muted" }, "Name, difficulty, tags, credits and the statement languages offered change in place: the package version (tests, limits) stays."),
    h("table", { class: "list" }, h("thead", {}, h("tr", {}, h("th", {}, "Slug"), h("th", {}, "Title"), h("th", {}, "Difficulty"), h("th", {}, "Tags"), h("th", { class: "num" }, "Version"), h("th", {}, ""))), rows),
    editor,
  );
  return { el, load };
}
