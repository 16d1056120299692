// The moderators' results panel: medal counts and the downloads (results.tsv, awards.json, CSV).
import { api } from "../api";
import { field, h, replace, toast } from "../dom";

const FILES: [string, string][] = [
  ["results.csv", "Results (CSV)"],
  ["results.tsv", "results.tsv (ICPC)"],
  ["awards.json", "awards.json (ICPC)"],
];

export function resultsPanel(cid: number): HTMLElement {
  const panel = h("section", { class: "panel", "data-testid": "results-panel" });
  const count = (id: string, label: string) => h("input", { id, type: "number", min: 0, max: 1000, value: 4, class: "num-short", "aria-label": label });
  const gold = count("medals-gold", "Gold medals");
  const silver = count("medals-silver", "Silver medals");
  const bronze = count("medals-bronze", "Bronze medals");
  const save = async (e: Event) => {
    e.preventDefault();
    try {
      const set = await api.setMedals(cid, { gold: Number(gold.value), silver: Number(silver.value), bronze: Number(bronze.value) });
      toast(`Medals: ${set.gold} gold, ${set.silver} silver, ${set.bronze} bronze`);
    } catch (err) {
      toast((err as Error).message, "error");
    }
  };
  replace(
    panel,
    h("h2", {}, "Results"),
    h("form", { class: "inline", onsubmit: (e: Event) => void save(e) }, field("Gold", gold), field("Silver", silver), field("Bronze", bronze), h("button", { type: "submit", class: "secondary" }, "Save medals")),
    h("p", { class: "actions" }, ...FILES.map(([file, label]) => h("a", { href: `/api/contests/${cid}/results/${file}`, download: "", class: "button secondary", "data-testid": `download-${file}` }, label))),
  );
  void api.medals(cid).then((m) => {
    gold.value = String(m.gold);
    silver.value = String(m.silver);
    bronze.value = String(m.bronze);
  }, () => undefined);
  return panel;
}
