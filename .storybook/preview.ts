import type { Preview } from "@storybook/react-vite";
import "../stories/support/stories.css";

const preview: Preview = {
  parameters: {
    layout: "padded",
    controls: { expanded: true },
    options: {
      storySort: {
        order: [
          "Components",
          ["StreamStatus", "StreamText", "StreamList"],
          "Hooks",
          ["useDurableStream", "useSuspenseDurableStream", "useStreamProducer"],
          "Provider",
        ],
      },
    },
  },
};

export default preview;
