// The verdict table of an upload's check: each of the package's submissions against the verdict
// its folder promises, and each test input through each input validator.
import { h, verdictBadge } from "../dom";
import type { InputCheck, PackageCheck, SubmissionCheck } from "../protocol";

const STATE_TEXT: Record<string, string> = {
  running: "Checking…",
  passed: "Check passed: every submission got the verdict its folder promises and every test input is valid.",
  failed: "Check failed: see the rows marked below.",
  error: "The check could not finish.",
};

function submissionRow(row: SubmissionCheck): HTMLElement {
  return h(
    "tr",
    { class: `check-${row.outcome}`, "data-submission": `${row.folder}/${row.file}`, "data-outcome": row.outcome },
    h("td", {}, `${row.folder}/`, h("strong", {}, row.file)),
    h("td", {}, row.expected),
    h("td", {}, row.verdict ? verdictBadge(row.verdict) : "—"),
    h("td", { class: "num" }, row.verdict ? `${row.time_ms ?? 0} ms` : ""),
    h("td", {}, h("span", { class: `pill pill-check-${row.outcome}` }, row.outcome)),
    h("td", { class: "muted" }, row.note ?? ""),
  );
}

function inputRow(row: InputCheck): HTMLElement {
  return h(
    "tr",
    { class: `check-${row.outcome}`, "data-test": row.test || "-", "data-outcome": row.outcome },
    h("td", {}, row.test || "—"),
    h("td", {}, row.validator),
    h("td", {}, h("span", { class: `pill pill-check-${row.outcome}` }, row.outcome)),
    h("td", { class: "muted check-note" }, row.note ?? ""),
  );
}

export function checkTable(check: PackageCheck): HTMLElement {
  const head = (...names: string[]): HTMLElement => h("thead", {}, h("tr", {}, names.map((n) => h("th", {}, n))));
  return h(
    "section",
    { class: "upload-check", "data-check": check.state },
    h("h2", {}, "Check"),
    h("p", { class: check.state === "passed" ? "" : check.state === "running" ? "muted" : "error" }, STATE_TEXT[check.state] ?? check.state),
    check.message ? h("pre", { class: "error" }, check.message) : null,
    h("h3", {}, "Submissions"),
    check.submissions.length
      ? h("table", { class: "list small check-submissions" }, head("Submission", "Expected", "Got", "Time", "Result", "Note"), h("tbody", {}, check.submissions.map(submissionRow)))
      : h("p", { class: "muted" }, check.state === "running" ? "Not judged yet." : "The package has no submissions to judge."),
    h("h3", {}, "Test data"),
    check.inputs.length
      ? h("table", { class: "list small check-inputs" }, head("Test", "Input validator", "Result", "Message"), h("tbody", {}, check.inputs.map(inputRow)))
      : h("p", { class: "muted" }, check.state === "running" ? "Not validated yet." : "The package has no input validators."),
  );
}
