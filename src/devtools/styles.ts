import type { CSSProperties } from "react";

/**
 * Inline styles: the panel needs no stylesheet import and stays out of the
 * app's CSS. System colours so it reads in light and dark pages alike.
 */

/** Where the devtools button and panel sit. */
export type DevtoolsPosition = "bottom-right" | "bottom-left" | "top-right" | "top-left";

const FONT = "12px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace";
const Z_INDEX = 2147483000;

export function cornerStyle(corner: DevtoolsPosition, inset: number): CSSProperties {
  const [vertical, horizontal] = corner.split("-") as ["top" | "bottom", "left" | "right"];
  return { position: "fixed", [vertical]: inset, [horizontal]: inset, zIndex: Z_INDEX };
}

export const toggleStyle: CSSProperties = {
  font: FONT,
  padding: "6px 10px",
  borderRadius: 999,
  border: "1px solid #8884",
  background: "Canvas",
  color: "CanvasText",
  boxShadow: "0 2px 8px #0003",
  cursor: "pointer",
};

export const panelStyle: CSSProperties = {
  font: FONT,
  width: "min(960px, calc(100vw - 24px))",
  maxHeight: "min(60vh, 560px)",
  overflow: "auto",
  padding: "8px 12px 12px",
  borderRadius: 8,
  border: "1px solid #8884",
  background: "Canvas",
  color: "CanvasText",
  boxShadow: "0 4px 24px #0004",
  marginBottom: 8,
};

export const headerStyle: CSSProperties = {
  display: "flex",
  justifyContent: "space-between",
  alignItems: "center",
  gap: 8,
};

export const tableStyle: CSSProperties = {
  width: "100%",
  borderCollapse: "collapse",
  marginTop: 10,
};

export const captionStyle: CSSProperties = { textAlign: "left", fontWeight: 600, padding: "4px 0" };

export const cellStyle: CSSProperties = {
  textAlign: "left",
  padding: "2px 8px 2px 0",
  borderTop: "1px solid #8883",
  verticalAlign: "top",
  whiteSpace: "nowrap",
};

export const numberCellStyle: CSSProperties = { ...cellStyle, textAlign: "right" };

export const errorCellStyle: CSSProperties = {
  ...cellStyle,
  whiteSpace: "normal",
  color: "#d33",
  maxWidth: 280,
};

export const mutedStyle: CSSProperties = { opacity: 0.7 };
