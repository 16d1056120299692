// Admins' problem package upload: a zip goes up (XHR, for its upload progress), a worker stages
// it as a new version and checks it (input validators, the package's own submissions), the page
// follows its status and verdict table and publishes it on request (a failed check: only with
// the admin's explicit confirmation).
import { ApiFailure, call, friendly, whoami } from "../api";
import { field, h, replace, toast, when } from "../dom";
import type { ErrorBody, PackageCheck, ProblemUpload, ProblemUploads } from "../protocol";
import { problemMetaSection } from "./problem_meta";
import type { Cleanup } from "./simple";
import { checkTable } from "./upload_check";

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

  const show = (upload: ProblemUpload, check: PackageCheck | null = null): void => {
    // A version whose check failed (or could not finish) is published only when the admin says so.
    const doubtful = upload.check !== null && upload.check.state !== "passed";
    const confirm = h("input", { type: "checkbox", "data-confirm": upload.id });
    const publish =
      upload.status === "ready"
        ? h(
            "p",
            {},
            doubtful ? h("label", { class: "error" }, confirm, " Publish although the check did not pass") : null,
            " ",
            h("button", { class: "primary", "data-publish": upload.id, onclick: () => void doPublish(upload.id, doubtful && confirm.checked) }, "Publish"),
          )
        : null;
    const summary = upload.check
      ? h(
          "p",
          { class: "check-summary" },
          `Check ${upload.check.state}: ${upload.check.submissions} submissions judged, ${upload.check.mismatched} not as expected; `,
          `${upload.check.inputs} test inputs validated, ${upload.check.rejected} rejected.`,
        )
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
      upload.notice && upload.notice !== upload.error ? h("p", { class: "muted upload-notice" }, upload.notice) : null,
      upload.error ? h("pre", { class: "error" }, upload.error) : null,
      summary,
      upload.status === "ready" ? h("p", { class: "muted" }, "Staged: the live version stays until you publish this one.") : null,
      upload.status === "published" ? h("p", {}, "Published: ", h("a", { href: `/problems/${upload.slug}` }, `/problems/${upload.slug}`)) : null,
      publish,
      check ? checkTable(check) : null,
    );
  };

  const follow = async (id: number): Promise<void> => {
    window.clearTimeout(timer);
    try {
      const upload = await call<ProblemUpload>("GET", `/api/admin/problems/uploads/${id}`);
      const check = upload.check ? await call<PackageCheck>("GET", `/api/admin/problems/uploads/${id}/check`) : null;
      show(upload, check);
      if (!SETTLED.has(upload.status)) timer = window.setTimeout(() => void follow(id), POLL_MS);
      else void refresh();
    } catch (err) {
      toast(message(err), "error");
    }
  };

  const doPublish = async (id: number, confirmed = false): Promise<void> => {
    try {
      await call<ProblemUpload>("POST", `/api/admin/problems/uploads/${id}/publish${confirmed ? "?confirm=true" : ""}`);
      toast("Published");
      void metadata.load();
      await follow(id); // the status and the check it was published with
    } catch (err) {
      // The API's way to confirm is ?confirm=true; on this page it is the box next to Publish.
      const refused = err instanceof ApiFailure && err.body.error === "check_failed";
      toast(refused ? err.body.message.replace(/publish with confirm=true/, "tick the box next to Publish") : message(err), "error");
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
          h("td", {}, u.check ? h("span", { class: `pill pill-check-${u.check.state === "passed" ? "ok" : "mismatch"}` }, `check ${u.check.state}`) : ""),
          h("td", {}, u.status !== "published" ? h("button", { onclick: () => void follow(u.id) }, "Show") : u.error ?? ""),
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
    h("p", { class: "muted" }, "A Kattis/ICPC problem package as a zip. A worker unpacks it, stages it as a new version and checks it: every test input through the package's input validators, every submission in submissions/ against the verdict its folder promises. The live version changes only when you publish."),
    form,
    status,
    h("h2", {}, "Recent uploads"),
    h("table", { class: "list" }, h("thead", {}, h("tr", {}, h("th", {}, "Upload"), h("th", {}, "Slug"), h("th", {}, "Status"), h("th", { class: "num" }, "Version"), h("th", {}, "Uploaded"), h("th", {}, "Check"), h("th", {}, ""))), list),
    metadata.el,
  );
  await Promise.all([refresh(), metadata.load()]);
  return () => window.clearTimeout(timer);
}
