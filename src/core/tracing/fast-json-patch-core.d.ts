// Types for the ESM core module of fast-json-patch, which ships .mjs without a .d.mts.
declare module "fast-json-patch/module/core.mjs" {
  import type { Operation, PatchResult } from "fast-json-patch";
  export function applyPatch<T>(
    document: T,
    patch: ReadonlyArray<Operation>,
    validateOperation?: boolean,
    mutateDocument?: boolean,
    banPrototypeModifications?: boolean,
  ): PatchResult<T>;
}
