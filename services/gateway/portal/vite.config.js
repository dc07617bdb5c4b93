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
        // By module path (not by package name, which would pull whole packages in): only what is used is bundled.
        manualChunks(id) {
          if (!id.includes("node_modules")) return undefined;
          if (/node_modules\/(echarts|zrender)\//.test(id)) return "echarts";
          if (/node_modules\/(element-plus|@element-plus|@floating-ui|@popperjs|@ctrl|async-validator|dayjs|lodash|lodash-es|lodash-unified|memoize-one|normalize-wheel-es|@vueuse)\//.test(id)) return "element-plus";
          if (/node_modules\/(@vue|vue|vue-router|vue-i18n|@intlify)\//.test(id)) return "vue";
          return "vendor";
        },
      },
    },
  },
});
