import { useEffect, useLayoutEffect } from "react";

/**
 * `useLayoutEffect` in a browser, `useEffect` on the server, where layout
 * effects never run and React warns about them.
 */
export const useIsomorphicLayoutEffect =
  typeof window === "undefined" ? useEffect : useLayoutEffect;
