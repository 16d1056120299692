// Ratings in the browser: titles and colours (the hub's table), the profile's rating section.
import { ratingChart } from "./charts";
import { h, link } from "./dom";
import { RATING_TITLES, type Rating } from "./protocol";

const BANDS = RATING_TITLES as [number, string, string][];

export function ratingTitle(rating: number): { name: string; color: string } {
  for (const [floor, name, color] of BANDS) if (rating >= floor) return { name, color };
  const [, name, color] = BANDS[BANDS.length - 1];
  return { name, color };
}

/** A rating coloured by its title (boards, profiles). */
export function ratingBadge(rating: number | null): HTMLElement | null {
  if (rating === null) return null;
  const t = ratingTitle(rating);
  return h("span", { class: "rating", style: `color:${t.color}`, title: t.name, "data-rating": rating }, String(rating));
}

export function ratingSection(rating: Rating | null): HTMLElement[] {
  if (rating === null) return [h("h2", {}, "Rating"), h("p", { class: "muted", "data-testid": "unrated" }, "Not rated yet: ratings come with the first rated contest.")];
  return [
    h("h2", {}, "Rating"),
    h(
      "p",
      { class: "rating-summary", "data-testid": "rating" },
      h("strong", { style: `color:${rating.color}`, "data-testid": "rating-value" }, String(rating.rating)),
      " ",
      h("span", { class: "pill", style: `border-color:${rating.color};color:${rating.color}`, "data-testid": "rating-title" }, rating.title),
      ` rank ${rating.total_rank} of ${rating.rated_users} rated users`,
      h("span", { class: "muted" }, ` (${rating.contests} rated contest${rating.contests === 1 ? "" : "s"})`),
    ),
    ratingChart(
      rating.history.map((p) => ({ label: `${p.contest} (place ${p.place})`, value: p.new_rating })),
      BANDS,
      "Rating after each rated contest (Codeforces system)",
    ),
    h(
      "table",
      { class: "list", "data-testid": "rating-history" },
      h("thead", {}, h("tr", {}, h("th", {}, "Contest"), h("th", { class: "num" }, "Place"), h("th", { class: "num" }, "Change"), h("th", { class: "num" }, "Rating"))),
      h(
        "tbody",
        {},
        [...rating.history].reverse().map((p) => {
          const delta = p.new_rating - p.old_rating;
          return h("tr", {}, h("td", {}, link(`/contest/${p.contest_id}/board`, p.contest)), h("td", { class: "num" }, p.place), h("td", { class: delta >= 0 ? "num up" : "num down" }, delta >= 0 ? `+${delta}` : String(delta)), h("td", { class: "num" }, ratingBadge(p.new_rating)));
        }),
      ),
    ),
  ];
}
