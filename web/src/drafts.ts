// Code drafts kept in this browser (localStorage), and forgetting them: on a shared computer the
// next person must not find them. Kept apart from the editor so the app shell can clear drafts
// without loading CodeMirror.
const DRAFT_PREFIX = "arena:draft:";
const DRAFT_OWNER = "arena:draft-owner";
const writers = new Set<() => void>();

export const draftKey = (scope: string, language: string): string => `${DRAFT_PREFIX}${scope}:${language}`;

/** ``stop`` is called when drafts are forgotten (an open editor stops saving); returns the unregistration. */
export function onForget(stop: () => void): () => void {
  writers.add(stop);
  return () => writers.delete(stop);
}

/**
 * Removes every code draft. Open editors stop saving first, so a pending (debounced) save or
 * the page's teardown cannot write one back.
 */
export function forgetDrafts(): void {
  for (const stop of writers) stop();
  for (const key of Object.keys(localStorage)) {
    if (key.startsWith(DRAFT_PREFIX)) localStorage.removeItem(key);
  }
  localStorage.removeItem(DRAFT_OWNER);
}

/** Drafts belong to the account that wrote them: another account logging in does not get them. */
export function draftsBelongTo(userId: number): void {
  const owner = localStorage.getItem(DRAFT_OWNER);
  if (owner !== null && owner !== String(userId)) forgetDrafts();
  localStorage.setItem(DRAFT_OWNER, String(userId));
}
