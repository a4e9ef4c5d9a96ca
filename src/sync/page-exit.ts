/**
 * Calls `callback` on `pagehide` and whenever the page becomes hidden: the
 * last moments a tab can be counted on to write anything. Returns the
 * function that stops listening. Does nothing outside a browser.
 */
export function onPageExit(callback: () => void): () => void {
  if (typeof window === "undefined" || typeof document === "undefined") return () => {};
  const onVisibility = () => {
    if (document.visibilityState === "hidden") callback();
  };
  window.addEventListener("pagehide", callback);
  document.addEventListener("visibilitychange", onVisibility);
  return () => {
    window.removeEventListener("pagehide", callback);
    document.removeEventListener("visibilitychange", onVisibility);
  };
}
