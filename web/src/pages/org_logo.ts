// An organization's logo on the catalogue page: shown when it has one, replaced by choosing a
// PNG or JPEG (the hub checks the bytes and refuses anything else with its reason).
import { h, toast } from "../dom";
import type { ErrorBody, OrganizationLogo } from "../protocol";

export const logoUrl = (orgId: string): string => `/api/organizations/${encodeURIComponent(orgId)}/logo`;

/** An <img> of the logo that hides itself when the organization has none. */
export function logoImage(orgId: string, name: string, src = logoUrl(orgId)): HTMLImageElement {
  const img = h("img", { class: "org-logo", src, alt: `${name} logo`, height: 24 });
  img.addEventListener("error", () => {
    img.hidden = true;
  });
  img.addEventListener("load", () => {
    img.hidden = false;
  });
  return img;
}

export function logoControl(orgId: string, name: string): HTMLElement {
  const img = logoImage(orgId, name);
  const refusal = h("span", { class: "error", "data-logo-refused": orgId });
  const picker = h("input", { type: "file", accept: "image/png,image/jpeg", "aria-label": `Logo of ${orgId}` });
  picker.addEventListener("change", async () => {
    const file = picker.files?.[0];
    if (!file) return;
    refusal.textContent = "";
    const answer = await fetch(`/api/organise/organizations/${encodeURIComponent(orgId)}/logo`, {
      method: "PUT",
      credentials: "same-origin",
      // The hub reads the type from the bytes; the header only has to be one a form cannot send.
      headers: { "Content-Type": file.type === "image/jpeg" || file.type === "image/png" ? file.type : "application/octet-stream" },
      body: file,
    });
    if (!answer.ok) {
      const body = (await answer.json().catch(() => ({ error: "bad_response", message: answer.statusText }))) as ErrorBody;
      refusal.textContent = body.message;
      return;
    }
    const logo = (await answer.json()) as OrganizationLogo;
    img.src = `${logo.href}?v=${logo.sha256.slice(0, 12)}`;
    img.dataset.sha256 = logo.sha256;
    toast(`Logo of ${orgId}: ${logo.width}×${logo.height} ${logo.mime}`);
  });
  return h("span", { class: "org-logo-control" }, img, " ", picker, " ", refusal);
}
