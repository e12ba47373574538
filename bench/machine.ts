/**
 * What every benchmark result records about where it ran: the Node version and the CPU
 * model. Ratios and CPU per request move with both (issue 16: the same code measured
 * ~2× the per-request CPU on one AMD EPYC machine of this kind as on another), so a figure
 * without them cannot be compared with anything.
 */
import { cpus } from "node:os";

/** The Node version and the CPU a result was measured on. */
export interface Machine {
  /** `process.version` of the process that measured, e.g. `v24.21.0`. */
  node: string;
  /** `os.cpus()[0].model`, e.g. `AMD EPYC 7B13`; `unknown` where the OS does not say. */
  cpu_model: string;
  /** Logical CPUs the OS reports. */
  cpus: number;
}

/** This process's {@link Machine}. The benchmark's children run the same `node` binary. */
export function machine(): Machine {
  const list = cpus();
  return { node: process.version, cpu_model: list[0]?.model.trim() || "unknown", cpus: list.length };
}

/** The major version of a `process.version` string (`v24.21.0` → `24`). */
export function nodeMajor(version: string): string {
  return version.replace(/^v/, "").split(".")[0] ?? "0";
}
