// Admins' problem package upload: a zip goes up (XHR, for its upload progress), a worker stages
// it as a new version, the page follows its status and publishes it on request.
import { ApiFailure, call, friendly, whoami } from "../api";
import { field, h, replace, toast, when } from "../dom";
import type { ErrorBody, ProblemUpload, ProblemUploads } from "../protocol";
import { problemMetaSection } from "./problem_meta";
import type { Cleanup } from "./simple";

const POLL_MS = 500;
const SETTLED = new Set(["ready", "failed", "published"]);

/** POST the file as application/zip; reports the bytes sent as they go. */
function send(file: File, query: URLSearchParams, progress: (sent: number, total: number) => void): Promise<ProblemUpload> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", `/api/admin/problems/upload?${query.toString()}`);
    xhr.setRequestHeader("Content-Type", "application/zip");
    xhr.upload.addEventListener("progress", (e) => progress(e.loaded, e.lengthComputable ? e.total : file.size));
    xhr.addEventListener("load", () => {
      let body: unknown = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = { error: "bad_response", message: xhr.responseText.slice(0, 200) };
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body as ProblemUpload);
      else reject(new ApiFailure(xhr.status, body as ErrorBody, null));
    });
    xhr.addEventListener("error", () => reject(new ApiFailure(0, { error: "offline", message: "Cannot reach Arena: check your connection." }, null)));
    xhr.send(file);
  });
}

const message = (err: unknown): string =>
  err instanceof ApiFailure ? friendly(err.status, err.body, null) : err instanceof Error ? err.message : String(err);

export async function uploadPage(app: HTMLElement): Promise<Cleanup> {
  const user = await whoami();
  if (!user || user.role !== "admin") {
    replace(app, h("h1", {}, "Upload a problem"), h("p", { class: "error" }, "This page is for admins."));
    return;
  }
  let timer: number | undefined;
  const metadata = problemMetaSection();
  const fileInput = h("input", { type: "file", name: "package", accept: ".zip,application/zip" });
  const slugInput = h("input", { name: "slug", placeholder: "problem slug (a-z, 0-9, - and _)" });
  const difficulty = h(
    "select",
    { name: "difficulty" },
    [["", "from the package"], ["easy", "easy"], ["medium", "medium"], ["hard", "hard"]].map(([v, text]) => h("option", { value: v }, text)),
  );
  const tagsInput = h("input", { name: "tags", placeholder: "comma-separated; empty: from the package" });
  const bar = h("progress", { class: "upload-progress", max: 100, value: 0 });
  const sent = h("span", { class: "muted upload-sent" }, "");
  const status = h("div", { class: "upload-status" });
  const list = h("tbody", {});
  const button = h("button", { type: "submit", class: "primary" }, "Upload");

  fileInput.addEventListener("change", () => {
    const file = fileInput.files?.[0];
    if (file && !slugInput.value) slugInput.value = file.name.replace(/\.zip$/i, "").toLowerCase().replace(/[^a-z0-9_-]/g, "-");
  });

  const show = (upload: ProblemUpload): void => {
    const publish =
      upload.status === "ready"
        ? h("button", { class: "primary", "data-publish": upload.id, onclick: () => void doPublish(upload.id) }, "Publish")
        : null;
    replace(
      status,
      h(
        "p",
        {},
        "Upload ",
        h("strong", {}, `#${upload.id}`),
        ` (${upload.slug}): `,
        h("span", { class: `pill pill-${upload.status}`, "data-status": upload.status }, upload.status),
        upload.version !== null ? ` — version ${upload.version}` : "",
        upload.test_count !== null ? `, ${upload.test_count} tests` : "",
      ),
      upload.error ? h("pre", { class: "error" }, upload.error) : null,
      upload.status === "ready" ? h("p", { class: "muted" }, "Staged: the live version stays until you publish this one.") : null,
      upload.status === "published" ? h("p", {}, "Published: ", h("a", { href: `/problems/${upload.slug}` }, `/problems/${upload.slug}`)) : null,
      publish,
    );
  };

  const follow = async (id: number): Promise<void> => {
    window.clearTimeout(timer);
    try {
      const upload = await call<ProblemUpload>("GET", `/api/admin/problems/uploads/${id}`);
      show(upload);
      if (!SETTLED.has(upload.status)) timer = window.setTimeout(() => void follow(id), POLL_MS);
      else void refresh();
    } catch (err) {
      toast(message(err), "error");
    }
  };

  const doPublish = async (id: number): Promise<void> => {
    try {
      show(await call<ProblemUpload>("POST", `/api/admin/problems/uploads/${id}/publish`));
      toast("Published");
      void refresh();
      void metadata.load();
    } catch (err) {
      toast(message(err), "error");
    }
  };

  const refresh = async (): Promise<void> => {
    const { uploads } = await call<ProblemUploads>("GET", "/api/admin/problems/uploads");
    replace(
      list,
      uploads.map((u) =>
        h(
          "tr",
          { "data-upload": u.id },
          h("td", {}, `#${u.id}`),
          h("td", {}, u.slug),
          h("td", {}, h("span", { class: `pill pill-${u.status}` }, u.status)),
          h("td", { class: "num" }, u.version ?? ""),
          h("td", {}, when(u.created_at)),
          h("td", {}, u.status === "ready" ? h("button", { onclick: () => void doPublish(u.id) }, "Publish") : u.error ?? ""),
        ),
      ),
    );
  };

  const form = h(
    "form",
    { class: "upload-form" },
    field("Package (.zip)", fileInput),
    field("Slug", slugInput),
    field("Difficulty", difficulty),
    field("Tags", tagsInput),
    button,
    h("div", {}, bar, " ", sent),
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const file = fileInput.files?.[0];
    if (!file) {
      toast("Choose a package zip first", "error");
      return;
    }
    button.disabled = true;
    bar.value = 0;
    const query = new URLSearchParams({ slug: slugInput.value.trim() });
    if (difficulty.value) query.set("difficulty", difficulty.value);
    if (tagsInput.value.trim()) query.set("tags", tagsInput.value);
    send(file, query, (done, total) => {
      bar.value = total > 0 ? Math.round((100 * done) / total) : 0;
      sent.textContent = `${Math.round(done / 1024)} / ${Math.round(total / 1024)} KiB sent`;
    })
      .then((upload) => {
        bar.value = 100;
        show(upload);
        return follow(upload.id);
      })
      .catch((err: unknown) => {
        replace(status, h("p", { class: "error", "data-refused": "1" }, message(err)));
      })
      .finally(() => {
        button.disabled = false;
      });
  });

  replace(
    app,
    h("h1", {}, "Upload a problem"),
    h("p", { class: "muted" }, "A Kattis/ICPC problem package as a zip. A worker unpacks and checks it, then stages it as a new version; the live version changes only when you publish."),
    form,
    status,
    h("h2", {}, "Recent uploads"),
    h("table", { class: "list" }, h("thead", {}, h("tr", {}, h("th", {}, "Upload"), h("th", {}, "Slug"), h("th", {}, "Status"), h("th", { class: "num" }, "Version"), h("th", {}, "Uploaded"), h("th", {}, ""))), list),
    metadata.el,
  );
  await Promise.all([refresh(), metadata.load()]);
  return () => window.clearTimeout(timer);
}
