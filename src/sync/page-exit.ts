/**
 * Calls `callback` on `pagehide` and whenever the page becomes hidden: the
 * last moments a tab can be counted on to write anything. Returns the
 * function that stops listening. Does nothing outside a browser.
 */
export function onPageExit(callback: () => void): () => void {
  if (typeof window === "undefined" || typeof document === "undefined") return () => {};
  // Detach from the very objects attached to: the stop may come after the
  // globals are gone (a test environment torn down while a session winds down).
  const win = window;
  const doc = document;
  const onVisibility = () => {
    if (doc.visibilityState === "hidden") callback();
  };
  win.addEventListener("pagehide", callback);
  doc.addEventListener("visibilitychange", onVisibility);
  return () => {
    win.removeEventListener("pagehide", callback);
    doc.removeEventListener("visibilitychange", onVisibility);
  };
}

/**
 * Calls `callback` on `beforeunload`: on a reload or a navigation it comes
 * well before `pagehide`, while the page still has time to finish a write.
 * Attach it only while something is unsaved (a `beforeunload` listener keeps
 * some browsers from putting the page in the back/forward cache). Returns the
 * function that stops listening. Does nothing outside a browser.
 */
export function onBeforeUnload(callback: () => void): () => void {
  if (typeof window === "undefined") return () => {};
  const win = window;
  win.addEventListener("beforeunload", callback);
  return () => win.removeEventListener("beforeunload", callback);
}
