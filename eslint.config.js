// Type-aware lint: the two rules that matter most around streams and unions.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["build-app/**", "dist/**", "node_modules/**", "coverage/**", "bench/results/**", "test-artifacts/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ["*.js"] }, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/switch-exhaustiveness-check": ["error", { considerDefaultExhaustiveForUnions: true }],
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-constant-condition": ["error", { checkLoops: false }],
    },
  },
  {
    files: ["src/**/*.ts"],
    rules: {
      "no-console": "error",
      // On Node 20 a spread that adds keys costs a new hidden class per call (~1 µs, and GC
      // promotion of whatever the object reaches): src/core/utils/objects.ts, issue #5.
      "no-restricted-syntax": [
        "error",
        { selector: "ObjectExpression > SpreadElement", message: "Use copied()/merged()/assignOwn() from src/core/utils/objects.ts: object spread is slow on Node 20." },
        // A generator function made per call gets a map of its own that keeps its closure alive
        // through young-generation GCs (TeeCopy in src/core/utils/iter.ts).
        { selector: ":function FunctionExpression[generator=true]", message: "Define generators at module level or as class methods, not per call." },
      ],
    },
  },
  {
    // Built once per mount, never per request: spreads read better there.
    files: ["src/server/openapi/**/*.ts", "src/core/schemas/**/*.ts"],
    rules: { "no-restricted-syntax": "off" },
  },
);
