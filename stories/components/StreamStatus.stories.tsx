import type { Meta, StoryObj } from "@storybook/react-vite";
import { StreamStatus } from "../../src/react/index.js";
import { FIXED_RETRY_AT } from "../support/fixtures.js";

const STATUSES = [
  "idle",
  "restoring",
  "connecting",
  "catching-up",
  "live",
  "paused",
  "reconnecting",
  "offline",
  "closed",
  "error",
] as const;

/**
 * An accessible status badge: a polite live region with the status in
 * `data-status` (the badges here are styled from it) and the error message or
 * next retry time in its title and in visually hidden text.
 */
const meta = {
  title: "Components/StreamStatus",
  tags: ["autodocs"],
  component: StreamStatus,
  args: { status: "idle" },
  argTypes: {
    status: { control: "select", options: STATUSES },
    error: { control: false },
    retryAt: { control: false },
  },
} satisfies Meta<typeof StreamStatus>;

export default meta;
type Story = StoryObj<typeof meta>;

export const Idle: Story = { args: { status: "idle" } };

export const Restoring: Story = { args: { status: "restoring" } };

export const Connecting: Story = { args: { status: "connecting" } };

export const CatchingUp: Story = { args: { status: "catching-up" } };

export const Live: Story = { args: { status: "live" } };

export const Paused: Story = { args: { status: "paused" } };

/** With `retryAt`, the next attempt's time is in the title and the hidden text (local time). */
export const Reconnecting: Story = { args: { status: "reconnecting", retryAt: FIXED_RETRY_AT } };

/** The browser reports no network; reading resumes the moment it returns. */
export const Offline: Story = { args: { status: "offline" } };

export const Closed: Story = { args: { status: "closed" } };

/** With an `error`, its message is in the title and the hidden text. */
export const ErrorWithMessage: Story = {
  name: "Error",
  args: {
    status: "error",
    error: new Error("Stream not found: https://streams.invalid/chat/42"),
  },
};

/** `labels` replaces any of the default English labels. */
export const CustomLabels: Story = {
  args: {
    status: "live",
    labels: {
      live: "En direct",
      reconnecting: "Reconnexion…",
      closed: "Terminé",
      error: "Erreur",
    },
  },
};

/** Every status side by side, with the custom labels for some. */
export const AllStatuses: Story = {
  render: (args) => (
    <div className="story-row">
      {STATUSES.map((status) => (
        <StreamStatus
          key={status}
          {...args}
          status={status}
          retryAt={status === "reconnecting" ? FIXED_RETRY_AT : undefined}
          error={status === "error" ? new Error("Stream not found") : undefined}
        />
      ))}
    </div>
  ),
};
