// ESLint's recommended rules for the browser JavaScript that the site and the LMS packages
// ship (tests/test_javascript.py runs it). The npm tools live in .tools/npm
// (scripts/install-tools.sh), not in a node_modules beside this file, so they are
// required from there.
import { createRequire } from "node:module";

const require = createRequire(new URL("./.tools/npm/node_modules/", import.meta.url));
const js = require("@eslint/js");
const globals = require("globals");

export default [
  {
    files: ["renderers/site/static/*.js", "renderers/packages/static/*.js"],
    ...js.configs.recommended,
    languageOptions: {
      ecmaVersion: 2020,
      sourceType: "script",
      globals: { ...globals.browser },
    },
  },
];
