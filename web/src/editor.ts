// The code editor: CodeMirror 6 with a mode per language of the table, drafts per problem and
// language in localStorage, and Ctrl/Cmd+Enter to submit.
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { cpp } from "@codemirror/lang-cpp";
import { java } from "@codemirror/lang-java";
import { javascript } from "@codemirror/lang-javascript";
import { python } from "@codemirror/lang-python";
import {
  bracketMatching,
  defaultHighlightStyle,
  indentOnInput,
  syntaxHighlighting,
} from "@codemirror/language";
import { Compartment, EditorState, type Extension } from "@codemirror/state";
import {
  EditorView,
  drawSelection,
  highlightActiveLine,
  highlightActiveLineGutter,
  keymap,
  lineNumbers,
} from "@codemirror/view";
import { draftKey, onForget } from "./drafts";

function mode(language: string): Extension {
  switch (language) {
    case "c":
    case "c11":
    case "cpp":
    case "cpp23":
    // Close enough in tokens (braces, comments, strings) to highlight usefully.
    case "rust":
    case "go":
      return cpp();
    case "java":
    case "kotlin":
    case "csharp":
      return java();
    case "javascript":
      return javascript();
    case "typescript":
      return javascript({ typescript: true });
    case "python3":
    case "pypy3":
      return python();
    default:
      return [];
  }
}

const languageKey = (scope: string) => `arena:lang:${scope}`;

export class CodeEditor {
  readonly view: EditorView;
  private readonly language = new Compartment();
  private current: string;
  private saveTimer = 0;
  private forgotten = false;
  private readonly unregister: () => void;

  constructor(
    parent: HTMLElement,
    private readonly scope: string, // the problem (slug, or contest:label)
    private readonly stubs: Record<string, string>,
    languages: string[],
    onSubmit: () => void,
  ) {
    const remembered = localStorage.getItem(languageKey(scope)) ?? localStorage.getItem("arena:lang");
    this.current = remembered && languages.includes(remembered) ? remembered : (languages.includes("python3") ? "python3" : languages[0]);
    const submitKey = { key: "Mod-Enter", preventDefault: true, run: () => (onSubmit(), true) };
    this.unregister = onForget(() => this.forget());
    this.view = new EditorView({
      parent,
      state: EditorState.create({
        doc: this.draftOrStub(this.current),
        extensions: [
          lineNumbers(),
          highlightActiveLineGutter(),
          highlightActiveLine(),
          history(),
          drawSelection(),
          indentOnInput(),
          bracketMatching(),
          syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
          keymap.of([submitKey, indentWithTab, ...defaultKeymap, ...historyKeymap]),
          this.language.of(mode(this.current)),
          EditorView.updateListener.of((update) => update.docChanged && this.scheduleSave()),
          EditorView.contentAttributes.of({ "aria-label": "Code editor" }),
        ],
      }),
    });
  }

  get languageId(): string {
    return this.current;
  }

  get source(): string {
    return this.view.state.doc.toString();
  }

  setSource(text: string): void {
    this.view.dispatch({ changes: { from: 0, to: this.view.state.doc.length, insert: text } });
  }

  switchLanguage(language: string): void {
    this.save();
    this.current = language;
    localStorage.setItem(languageKey(this.scope), language);
    localStorage.setItem("arena:lang", language);
    this.view.dispatch({
      changes: { from: 0, to: this.view.state.doc.length, insert: this.draftOrStub(language) },
      effects: this.language.reconfigure(mode(language)),
    });
  }

  resetToStub(): void {
    this.setSource(this.stubs[this.current] ?? "");
  }

  private draftOrStub(language: string): string {
    return localStorage.getItem(draftKey(this.scope, language)) ?? this.stubs[language] ?? "";
  }

  private scheduleSave(): void {
    clearTimeout(this.saveTimer);
    this.saveTimer = window.setTimeout(() => this.save(), 300);
  }

  save(): void {
    clearTimeout(this.saveTimer);
    if (this.forgotten) return;
    localStorage.setItem(draftKey(this.scope, this.current), this.source);
  }

  /** Logged out: this editor keeps no draft any more. */
  forget(): void {
    clearTimeout(this.saveTimer);
    this.forgotten = true;
  }

  /** Keeps the last keystrokes (the save is debounced) and releases the view. */
  destroy(): void {
    this.save();
    this.unregister();
    this.view.destroy();
  }
}
