// Builds the portal into the gateway's Portal/dist, which the gateway embeds and serves: index.html at "/", the
// hashed assets at "/portal/assets/...". Run by the gateway's build (Marketplace.Gateway.csproj), or `npm run build`.
import { fileURLToPath, URL } from "node:url";
import { defineConfig } from "vite";
import vue from "@vitejs/plugin-vue";

export default defineConfig({
  base: "/portal/",
  plugins: [vue()],
  resolve: { alias: { "@": fileURLToPath(new URL("./src", import.meta.url)) } },
  build: {
    outDir: fileURLToPath(new URL("../Marketplace.Gateway/Portal/dist", import.meta.url)),
    emptyOutDir: true,
    target: "es2020",
    chunkSizeWarningLimit: 1200,
    reportCompressedSize: false,
    rollupOptions: {
      output: {
        // Libraries change less often than pages: their own chunks stay cached across portal releases.
        manualChunks: {
          vue: ["vue", "vue-router", "vue-i18n"],
          "element-plus": ["element-plus", "@element-plus/icons-vue"],
          echarts: ["echarts/core", "echarts/charts", "echarts/components", "echarts/renderers"],
        },
      },
    },
  },
});
