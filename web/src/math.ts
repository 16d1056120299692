// Typesets the statement's math: the hub keeps TeX inside <span class="math inline|display">.
import katex from "katex";
import "katex/dist/katex.min.css";

const DELIMITERS: [string, string][] = [
  ["\\(", "\\)"],
  ["\\[", "\\]"],
  ["$$", "$$"],
  ["$", "$"],
];

function strip(tex: string): string {
  const text = tex.trim();
  for (const [open, close] of DELIMITERS) {
    if (text.startsWith(open) && text.endsWith(close) && text.length >= open.length + close.length) {
      return text.slice(open.length, text.length - close.length);
    }
  }
  return text;
}

export function typeset(root: HTMLElement): void {
  root.querySelectorAll<HTMLElement>("span.math, div.math").forEach((span) => {
    const display = span.classList.contains("display");
    const tex = strip(span.textContent ?? "");
    try {
      katex.render(tex, span, { displayMode: display, throwOnError: false, output: "htmlAndMathml" });
    } catch {
      span.textContent = tex; // leave the TeX readable
    }
  });
}
