// The problem workspace: statement with math, samples with copy buttons, limits, the editor,
// Run (samples or custom input, with an output diff), Submit and the live per-test progress.
import { ApiFailure } from "../api";
import { api } from "../api";
import { VERDICT_NAMES, field, h, replace, toast, verdictBadge } from "../dom";
import { CodeEditor } from "../editor";
import { typeset } from "../math";
import { MAX_SOURCE_BYTES } from "../protocol";
import type { ProblemDetail, RunOutcome, SubmissionJudged, SubmissionProgress, SubmissionView, TestResult } from "../protocol";

export interface WorkspaceOptions {
  scope: string; // drafts are kept per scope and language
  run: (language: string, source: string, input?: string) => Promise<RunOutcome>;
  submit: (language: string, source: string) => Promise<number>;
  onSubmitted?: (id: number) => void;
  heading?: HTMLElement | null;
  /** Whether the page's socket is live: then it brings the progress, and polling only backs it up. */
  isLive?: () => boolean;
  /** The problem with its statement in another offered language (the switcher shows with two or more). */
  statementIn?: (lang: string) => Promise<ProblemDetail>;
}

const POLL_MS = 1500;
const SAFETY_POLL_MS = 10_000;

export class Workspace {
  readonly el: HTMLElement;
  private readonly editor: CodeEditor;
  private readonly output: HTMLElement;
  private readonly progress: HTMLElement;
  private tracking: SubmissionTracker | null = null;
  // Events that came before the submit call returned the id they belong to.
  private early: (SubmissionProgress | SubmissionJudged)[] = [];
  private busy = false;

  constructor(
    readonly detail: ProblemDetail,
    private readonly options: WorkspaceOptions,
  ) {
    const statement = h("div", { class: "statement" });
    statement.innerHTML = detail.statement_html; // sanitized by the hub (ammonia) at import
    typeset(statement);
    const statementIn = options.statementIn;
    const switcher = statementIn && detail.statement_langs.length > 1
      ? h(
          "select",
          {
            name: "statement-lang",
            onchange: async () => {
              const other = await statementIn(switcher!.value);
              statement.innerHTML = other.statement_html; // sanitized by the hub (ammonia) at import
              statement.lang = other.statement_lang;
              typeset(statement);
            },
          },
          detail.statement_langs.map((l) => h("option", { value: l, selected: l === detail.statement_lang }, l)),
        )
      : null;
    statement.lang = detail.statement_lang;
    const samples = detail.samples.map((s, i) =>
      h(
        "div",
        { class: "sample" },
        h("h4", {}, `Sample ${i + 1}`),
        h("div", { class: "sample-io" }, copyable("Input", s.input), copyable("Output", s.output)),
      ),
    );
    const limits = h(
      "p",
      { class: "limits" },
      h("span", {}, `Time limit: ${(detail.time_limit_ms / 1000).toFixed(1)} s`),
      h("span", {}, `Memory limit: ${detail.memory_mib} MiB`),
      detail.difficulty ? h("span", { class: `difficulty d-${detail.difficulty}` }, detail.difficulty) : null,
      detail.tags.map((t) => h("span", { class: "tag" }, t)),
    );
    const credits = detail.author || detail.source
      ? h("p", { class: "muted credits", "data-testid": "credits" }, [detail.author ? `By ${detail.author}` : "", detail.source ? `Source: ${detail.source}` : ""].filter(Boolean).join(" · "))
      : null;
    const host = h("div", { class: "editor-host" });
    this.editor = new CodeEditor(host, options.scope, detail.code_stubs, detail.languages, () => void this.submit());
    // The menu is the language table's rows: name, and the version and compile flags below it.
    const menu = detail.language_options;
    const command = h("code", { class: "compile-command", "data-testid": "compile-command" });
    const describe = (id: string) => {
      const option = menu.find((o) => o.id === id);
      command.textContent = option ? `${option.version}: ${option.compile}` : "";
    };
    const picker = h(
      "select",
      {
        id: "language",
        name: "language",
        onchange: () => {
          this.editor.switchLanguage(picker.value);
          describe(picker.value);
        },
      },
      menu.map((o) => h("option", { value: o.id, selected: o.id === this.editor.languageId }, o.name)),
    );
    describe(this.editor.languageId);
    const custom = h("textarea", { id: "custom-input", rows: 3, placeholder: "Custom input (leave empty to run on the samples)", spellcheck: "false" });
    this.output = h("div", { class: "run-output", "data-testid": "run-output", "aria-live": "polite" });
    this.progress = h("div", { class: "submission-progress", "data-testid": "progress", "aria-live": "polite" });
    const runButton = h("button", { type: "button", class: "secondary", onclick: () => void this.run(custom.value) }, "Run");
    const submitButton = h("button", { type: "button", class: "primary", title: "Ctrl/Cmd+Enter", onclick: () => void this.submit() }, "Submit");
    const reset = h("button", { type: "button", class: "link", onclick: () => this.editor.resetToStub() }, "Reset to stub");
    this.el = h(
      "div",
      { class: "workspace" },
      h(
        "section",
        { class: "problem-text", "aria-label": "Statement" },
        options.heading ?? h("h1", {}, detail.title, detail.solved ? h("span", { class: "solved-mark", title: "solved" }, " ✓") : null),
        limits,
        credits,
        switcher ? field("Statement language", switcher) : null,
        statement,
        samples,
      ),
      h(
        "section",
        { class: "code-side", "aria-label": "Code" },
        h("div", { class: "toolbar" }, field("Language", picker), reset),
        command,
        host,
        field("Custom input", custom),
        h("div", { class: "actions" }, runButton, submitButton, h("span", { class: "hint" }, "Ctrl/⌘+Enter submits")),
        this.output,
        this.progress,
      ),
    );
  }

  get source(): string {
    return this.editor.source;
  }

  setSource(text: string): void {
    this.editor.setSource(text);
  }

  private check(): boolean {
    const size = new TextEncoder().encode(this.editor.source).length;
    if (size > MAX_SOURCE_BYTES) {
      this.say("Code is larger than 64 KiB.");
      return false;
    }
    if (!this.editor.source.trim()) {
      this.say("The code is empty.");
      return false;
    }
    return true;
  }

  private say(text: string): void {
    toast(text, "error");
    replace(this.output, h("p", { class: "error", role: "alert" }, text));
  }

  async run(input: string): Promise<void> {
    if (this.busy || !this.check()) return;
    this.busy = true;
    replace(this.output, h("p", { class: "muted" }, "Running…"));
    try {
      const custom = input.trim() ? input : undefined;
      const language = this.editor.languageId;
      const source = this.editor.source;
      const outcome = await this.options.run(language, source, custom);
      const rerun = (sampleInput: string) => this.options.run(language, source, sampleInput);
      replace(this.output, runReport(outcome, this.detail, custom, rerun));
    } catch (err) {
      this.say(err instanceof Error ? err.message : String(err));
    } finally {
      this.busy = false;
    }
  }

  async submit(): Promise<void> {
    if (this.busy || !this.check()) return;
    this.busy = true;
    this.editor.save();
    try {
      const id = await this.options.submit(this.editor.languageId, this.editor.source);
      this.tracking?.stop();
      this.tracking = new SubmissionTracker(id, this.progress, this.options.isLive ?? (() => false));
      const early = this.early.filter((e) => e.submission_id === id);
      this.early = [];
      early.forEach((e) => this.tracking?.event(e));
      this.options.onSubmitted?.(id);
    } catch (err) {
      this.say(err instanceof ApiFailure || err instanceof Error ? err.message : String(err));
    } finally {
      this.busy = false;
    }
  }

  /** Leaving the page: no more polling, the draft saved, the editor released. */
  stop(): void {
    this.tracking?.stop();
    this.tracking = null;
    this.editor.destroy();
  }

  /** Socket events of the caller's submissions (contest pages); practice polls only. */
  event(body: SubmissionProgress | SubmissionJudged): void {
    if (this.tracking?.id === body.submission_id) this.tracking.event(body);
    else if (this.busy) this.early = [...this.early.slice(-99), body];
  }
}

function copyable(title: string, text: string): HTMLElement {
  const button = h("button", {
    type: "button",
    class: "copy",
    "aria-label": `Copy ${title.toLowerCase()}`,
    onclick: () => {
      void navigator.clipboard?.writeText(text).then(() => toast(`${title} copied`));
    },
  }, "Copy");
  return h("div", { class: "io" }, h("div", { class: "io-head" }, h("span", {}, title), button), h("pre", {}, text));
}

/** The run's verdict per sample. A failing sample's diff, on request, comes from the program's
 * outputs when the hub sent them (aligned with the tests); an older hub sent none for a sample
 * run, and then the sample's input is run again as custom input for its output. */
function runReport(
  outcome: RunOutcome,
  detail: ProblemDetail,
  custom: string | undefined,
  rerun: (input: string) => Promise<RunOutcome>,
): HTMLElement {
  const parts: HTMLElement[] = [h("p", { class: "run-verdict" }, "Run: ", verdictBadge(outcome.verdict), " ", VERDICT_NAMES[outcome.verdict] ?? "")];
  if (outcome.compile_output) parts.push(h("pre", { class: "compile" }, outcome.compile_output));
  const outputs = outcome.outputs ?? [];
  outcome.tests.forEach((test, i) => {
    const head = h("h4", {}, custom === undefined ? `Sample ${i + 1}` : "Custom input", " ", verdictBadge(test.verdict), ` ${test.time_ms} ms`);
    const message = test.message ? h("pre", { class: "compile" }, test.message) : null;
    if (custom !== undefined) {
      const got = outputs[i] ?? "";
      const sample = detail.samples.find((s) => s.input.trim() === custom.trim());
      parts.push(h("div", { class: "run-test" }, head, message, sample ? diff(got, sample.output) : h("pre", {}, got)));
      return;
    }
    const sample = detail.samples[i];
    if (test.verdict === "AC" || !sample) {
      parts.push(h("div", { class: "run-test" }, head, h("p", { class: "muted" }, "Output matches the expected output.")));
      return;
    }
    const known = outputs.length === outcome.tests.length ? outputs[i] : undefined;
    const box = h("div", {});
    const show = h("button", {
      type: "button",
      class: "secondary",
      onclick: async () => {
        if (known !== undefined) return replace(box, diff(known, sample.output));
        replace(box, h("p", { class: "muted" }, "Running the sample again for its output…"));
        try {
          const again = await rerun(sample.input);
          replace(box, diff(again.outputs[0] ?? "", sample.output));
        } catch (err) {
          replace(box, h("p", { class: "error" }, err instanceof Error ? err.message : String(err)));
        }
      },
    }, "Show the diff");
    replace(box, show);
    parts.push(h("div", { class: "run-test" }, head, message, box));
  });
  return h("div", {}, parts);
}

/** Line by line: the program's output against the expected one, differing lines marked. */
export function diff(got: string, expected: string): HTMLElement {
  const a = got.replace(/\s+$/, "").split("\n");
  const b = expected.replace(/\s+$/, "").split("\n");
  const rows: HTMLElement[] = [];
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const same = (a[i] ?? "").trimEnd() === (b[i] ?? "").trimEnd();
    rows.push(
      h("tr", { class: same ? "same" : "differs" }, h("td", { class: "ln" }, i + 1), h("td", {}, a[i] ?? ""), h("td", {}, b[i] ?? "")),
    );
  }
  return h(
    "table",
    { class: "diff", "data-testid": "diff" },
    h("thead", {}, h("tr", {}, h("th", {}, "#"), h("th", {}, "Your output"), h("th", {}, "Expected"))),
    h("tbody", {}, rows),
  );
}

/** One submission's live progress: test chips from socket events; the API is asked every 1.5 s
 * while the socket is not live, and every 10 s while it is (in case an event was lost). */
export class SubmissionTracker {
  private tests: TestResult[] = [];
  private total = 0;
  private done = false;
  private timer = 0;
  private lastAsked = Date.now();

  constructor(
    readonly id: number,
    private readonly el: HTMLElement,
    private readonly isLive: () => boolean = () => false,
  ) {
    this.render("queued");
    this.poll();
  }

  stop(): void {
    this.done = true;
    clearTimeout(this.timer);
  }

  event(body: SubmissionProgress | SubmissionJudged): void {
    if (this.done) return;
    if (body.kind === "submission_progress") {
      if (body.index === 0 || body.index < this.tests.length) this.tests = this.tests.slice(0, body.index);
      this.tests[body.index] = body.result;
      this.total = body.total;
      this.render("judging");
    } else {
      void this.finish();
    }
  }

  private poll(): void {
    clearTimeout(this.timer);
    this.timer = window.setTimeout(async () => {
      if (this.done) return;
      if (this.isLive() && Date.now() - this.lastAsked < SAFETY_POLL_MS) return this.poll();
      this.lastAsked = Date.now();
      try {
        const view = await api.submission(this.id);
        if (view.status === "done" || view.status === "failed") return void this.show(view);
        if (view.status === "judging" && this.tests.length === 0) this.render("judging");
      } catch {
        /* keep polling */
      }
      if (!this.done) this.poll();
    }, POLL_MS);
  }

  private async finish(): Promise<void> {
    try {
      this.show(await api.submission(this.id));
    } catch {
      this.poll();
    }
  }

  private show(view: SubmissionView): void {
    if (this.done) return;
    this.stop();
    this.tests = view.tests;
    this.total = view.tests.length;
    const verdict = view.status === "failed" ? "JE" : (view.verdict ?? "JE");
    const failing = view.tests.findIndex((t) => t.verdict !== "AC");
    const summary =
      verdict === "AC"
        ? `Accepted: all ${view.tests.length} tests passed`
        : verdict === "CE"
          ? "Compilation Error"
          : failing >= 0
            ? `${VERDICT_NAMES[verdict] ?? verdict} on test ${failing + 1} (${view.tests[failing].name})`
            : (VERDICT_NAMES[verdict] ?? verdict);
    replace(
      this.el,
      h(
        "div",
        { class: `final final-${verdict}`, "data-testid": "final-verdict", "data-verdict": verdict },
        verdictBadge(verdict),
        " ",
        h("span", { class: "summary" }, summary),
        view.time_ms !== null ? h("span", { class: "muted" }, ` · ${view.time_ms} ms · ${Math.round((view.memory_kib ?? 0) / 1024)} MiB`) : null,
      ),
      this.chips(),
      view.compile_output && verdict === "CE" ? h("pre", { class: "compile" }, view.compile_output) : null,
      failing >= 0 && view.tests[failing].message ? h("pre", { class: "compile" }, view.tests[failing].message ?? "") : null,
    );
  }

  private chips(): HTMLElement {
    return h(
      "ol",
      { class: "chips", "aria-label": "Tests" },
      this.tests.map((t, i) =>
        h("li", { class: `chip chip-${t.verdict}`, title: `${t.name}: ${VERDICT_NAMES[t.verdict]} (${t.time_ms} ms)` }, `${i + 1}`),
      ),
      Array.from({ length: Math.max(0, this.total - this.tests.length) }, () => h("li", { class: "chip chip-wait" }, "·")),
    );
  }

  private render(status: string): void {
    const passed = this.tests.length;
    const text =
      status === "queued"
        ? `Submission ${this.id}: queued…`
        : this.total
          ? `Submission ${this.id}: judging, test ${Math.min(passed + 1, this.total)} of ${this.total}`
          : `Submission ${this.id}: judging…`;
    replace(this.el, h("p", { class: "judging", "data-testid": "judging" }, h("span", { class: "spinner", "aria-hidden": "true" }), text), this.chips());
  }
}
