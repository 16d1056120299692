// Small hand-written SVG charts: bars over time, a verdict mix, a line of results.
import { h } from "./dom";
import type { ContestStats } from "./protocol";

const NS = "http://www.w3.org/2000/svg";

function svg(tag: string, attrs: Record<string, string | number>, text?: string): SVGElement {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
}

export const VERDICT_COLORS: Record<string, string> = {
  AC: "#2da44e",
  WA: "#cf222e",
  TLE: "#bf8700",
  MLE: "#8250df",
  RTE: "#e16f24",
  OLE: "#6e7781",
  CE: "#57606a",
  JE: "#24292f",
  pending: "#8c959f",
};

/** Submissions per bucket as bars. */
export function barChart(values: number[], title: string, bucketMinutes: number): HTMLElement {
  const width = 320;
  const height = 90;
  const max = Math.max(1, ...values);
  const barW = width / Math.max(1, values.length);
  const root = svg("svg", { viewBox: `0 0 ${width} ${height + 14}`, class: "chart", role: "img", "aria-label": title });
  values.forEach((v, i) => {
    const bh = (v / max) * height;
    const bar = svg("rect", { x: i * barW + 0.5, y: height - bh, width: Math.max(1, barW - 1), height: bh, fill: "#1f6feb" });
    bar.appendChild(svg("title", {}, `${v} submissions, minute ${i * bucketMinutes}–${(i + 1) * bucketMinutes}`));
    root.appendChild(bar);
  });
  root.appendChild(svg("line", { x1: 0, y1: height + 0.5, x2: width, y2: height + 0.5, stroke: "#8c959f" }));
  root.appendChild(svg("text", { x: 0, y: height + 12, "font-size": 10, fill: "#57606a" }, "start"));
  root.appendChild(svg("text", { x: width, y: height + 12, "font-size": 10, fill: "#57606a", "text-anchor": "end" }, `${values.length * bucketMinutes} min`));
  return h("figure", { class: "chart-box" }, root as unknown as HTMLElement, h("figcaption", {}, title));
}

/** The verdict mix as one stacked bar with a legend. */
export function verdictMix(verdicts: Record<string, number>, title: string): HTMLElement {
  const total = Object.values(verdicts).reduce((a, b) => a + b, 0);
  const width = 320;
  const root = svg("svg", { viewBox: `0 0 ${width} 18`, class: "chart", role: "img", "aria-label": title });
  let x = 0;
  const entries = Object.entries(verdicts).sort((a, b) => b[1] - a[1]);
  for (const [verdict, n] of entries) {
    const w = total ? (n / total) * width : 0;
    const part = svg("rect", { x, y: 0, width: w, height: 18, fill: VERDICT_COLORS[verdict] ?? "#999" });
    part.appendChild(svg("title", {}, `${verdict}: ${n}`));
    root.appendChild(part);
    x += w;
  }
  if (!total) root.appendChild(svg("rect", { x: 0, y: 0, width, height: 18, fill: "#eaeef2" }));
  const legend = h(
    "ul",
    { class: "legend" },
    entries.map(([v, n]) => h("li", {}, h("i", { style: `background:${VERDICT_COLORS[v] ?? "#999"}` }), `${v} ${n}`)),
  );
  return h("figure", { class: "chart-box" }, root as unknown as HTMLElement, legend, h("figcaption", {}, title));
}

export function statsPanel(stats: ContestStats): HTMLElement {
  const minutes = Math.round(stats.bucket_s / 60);
  return h(
    "div",
    { class: "stats", "data-testid": "stats" },
    stats.problems.map((p) =>
      h(
        "section",
        { class: "stat-problem" },
        h("h4", {}, `Problem ${p.label}`),
        barChart(p.timeline, `Problem ${p.label}: submissions over time`, minutes),
        verdictMix(p.verdicts, `Problem ${p.label}: verdicts${stats.board === "public" ? " (pending during the freeze)" : ""}`),
      ),
    ),
  );
}

/** A line through points (x = index), e.g. the rank in each past contest. */
export function lineChart(points: { label: string; value: number }[], title: string, invert: boolean): HTMLElement {
  const width = 480;
  const height = 140;
  const pad = 24;
  const root = svg("svg", { viewBox: `0 0 ${width} ${height}`, class: "chart", role: "img", "aria-label": title });
  if (points.length === 0) {
    root.appendChild(svg("text", { x: width / 2, y: height / 2, "text-anchor": "middle", fill: "#57606a" }, "No finished contests yet"));
  } else {
    const values = points.map((p) => p.value);
    const lo = Math.min(...values);
    const hi = Math.max(...values);
    const span = hi - lo || 1;
    const xy = points.map((p, i) => {
      const x = pad + (points.length === 1 ? (width - 2 * pad) / 2 : (i * (width - 2 * pad)) / (points.length - 1));
      const t = (p.value - lo) / span;
      const y = pad + (invert ? t : 1 - t) * (height - 2 * pad);
      return [x, y] as const;
    });
    root.appendChild(svg("polyline", { points: xy.map(([x, y]) => `${x},${y}`).join(" "), fill: "none", stroke: "#1f6feb", "stroke-width": 2 }));
    xy.forEach(([x, y], i) => {
      const dot = svg("circle", { cx: x, cy: y, r: 4, fill: "#1f6feb" });
      dot.appendChild(svg("title", {}, `${points[i].label}: ${points[i].value}`));
      root.appendChild(dot);
      root.appendChild(svg("text", { x, y: y - 8, "font-size": 10, "text-anchor": "middle", fill: "#24292f" }, String(points[i].value)));
    });
  }
  return h("figure", { class: "chart-box wide" }, root as unknown as HTMLElement, h("figcaption", {}, title));
}

/** A rating history: a line over the title bands (docs/rating.md), one point per rated contest. */
export function ratingChart(points: { label: string; value: number }[], bands: [number, string, string][], title: string): HTMLElement {
  const width = 560;
  const height = 200;
  const pad = 30;
  const root = svg("svg", { viewBox: `0 0 ${width} ${height}`, class: "chart rating-chart", role: "img", "aria-label": title });
  const values = points.map((p) => p.value);
  const lo = Math.min(...values, 1500) - 100;
  const hi = Math.max(...values, 1500) + 100;
  const y = (v: number) => pad + (1 - (v - lo) / (hi - lo)) * (height - 2 * pad);
  // Bands from the highest floor down: each covers [floor, the band above's floor).
  let top = hi;
  for (const [floor, name, color] of bands) {
    const bottom = Math.max(floor, lo);
    if (bottom < top) {
      const band = svg("rect", { x: pad, y: y(top), width: width - 2 * pad, height: y(bottom) - y(top), fill: color, "fill-opacity": 0.12 });
      band.appendChild(svg("title", {}, name));
      root.appendChild(band);
      root.appendChild(svg("text", { x: width - pad - 2, y: y(bottom) - 3, "font-size": 9, "text-anchor": "end", fill: color }, String(Math.max(floor, 0))));
    }
    top = Math.min(top, floor);
    if (top <= lo) break;
  }
  const xy = points.map((p, i) => [pad + (points.length === 1 ? (width - 2 * pad) / 2 : (i * (width - 2 * pad)) / (points.length - 1)), y(p.value)] as const);
  if (xy.length) root.appendChild(svg("polyline", { points: xy.map(([a, b]) => `${a},${b}`).join(" "), fill: "none", stroke: "#24292f", "stroke-width": 2 }));
  xy.forEach(([cx, cy], i) => {
    const dot = svg("circle", { cx, cy, r: 4, fill: "#fff", stroke: "#24292f", "stroke-width": 2, "data-rating": points[i].value });
    dot.appendChild(svg("title", {}, `${points[i].label}: ${points[i].value}`));
    root.appendChild(dot);
    root.appendChild(svg("text", { x: cx, y: cy - 8, "font-size": 10, "text-anchor": "middle", fill: "#24292f" }, String(points[i].value)));
  });
  return h("figure", { class: "chart-box wide", "data-testid": "rating-chart" }, root as unknown as HTMLElement, h("figcaption", {}, title));
}
