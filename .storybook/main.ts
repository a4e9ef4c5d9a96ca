import react from "@vitejs/plugin-react";
import type { StorybookConfig } from "@storybook/react-vite";
import type { PluginOption } from "vite";

/** vite.config.ts is the library build: its declaration plugin has no business in Storybook. */
const LIBRARY_ONLY_PLUGINS = new Set(["unplugin-dts", "vite:dts"]);

async function withoutLibraryPlugins(plugins: PluginOption[]): Promise<PluginOption[]> {
  const kept: PluginOption[] = [];
  for (const plugin of await Promise.all(plugins)) {
    if (Array.isArray(plugin)) kept.push(await withoutLibraryPlugins(plugin));
    else if (plugin && !("name" in plugin && LIBRARY_ONLY_PLUGINS.has(plugin.name))) {
      kept.push(plugin);
    }
  }
  return kept;
}

function hasReactPlugin(plugins: PluginOption[]): boolean {
  return plugins.some((plugin) =>
    Array.isArray(plugin)
      ? hasReactPlugin(plugin)
      : !!plugin && "name" in plugin && plugin.name.startsWith("vite:react"),
  );
}

const config: StorybookConfig = {
  framework: { name: "@storybook/react-vite", options: {} },
  stories: ["../stories/**/*.mdx", "../stories/**/*.stories.tsx"],
  addons: ["@storybook/addon-docs"],
  core: { disableTelemetry: true },
  async viteFinal(viteConfig) {
    const plugins = await withoutLibraryPlugins(viteConfig.plugins ?? []);
    // Fast Refresh and the automatic JSX runtime; vite.config.ts (a library build) has no React plugin.
    if (!hasReactPlugin(plugins)) plugins.push(react());
    return {
      ...viteConfig,
      plugins,
      server: {
        ...viteConfig.server,
        // Build output and test reports written while Storybook runs are not sources.
        watch: {
          ...viteConfig.server?.watch,
          ignored: [
            "**/storybook-static/**",
            "**/playwright-report/**",
            "**/test-results/**",
            "**/.data/**",
          ],
        },
      },
      build: {
        ...viteConfig.build,
        // Storybook's own UI chunks are large by nature; a warning about them is noise.
        chunkSizeWarningLimit: 2000,
        rolldownOptions: {
          ...viteConfig.build?.rolldownOptions,
          checks: { ...viteConfig.build?.rolldownOptions?.checks, pluginTimings: false },
        },
      },
    };
  },
};

export default config;
