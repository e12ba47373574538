/**
 * The six include/exclude filters of streamLog and streamEvents (LangChain's
 * `include_names` … `exclude_tags`, camelCase here, snake_case on the wire).
 */

/**
 * Which runs to report. With no include filter every run is included; otherwise a run is
 * included when it matches any include filter. Exclude filters then remove runs. An empty
 * list is a filter that matches nothing (as in LangChain), not "no filter".
 */
export interface RunFilters {
  /** Keep runs with one of these names. */
  includeNames?: string[] | undefined;
  /** Keep runs of one of these types (stream_log uses `llm` for chat models; events `chat_model`). */
  includeTypes?: string[] | undefined;
  /** Keep runs carrying one of these tags. */
  includeTags?: string[] | undefined;
  /** Drop runs with one of these names. */
  excludeNames?: string[] | undefined;
  /** Drop runs of one of these types. */
  excludeTypes?: string[] | undefined;
  /** Drop runs carrying one of these tags. */
  excludeTags?: string[] | undefined;
}

/** Decides whether a run (by name, type and tags) passes the filters. */
export type RunFilter = (name: string, type: string, tags: readonly string[]) => boolean;

const includeAll: RunFilter = () => true;

/** Build the predicate for `filters` (a constant `true` when there are none). */
export function createRunFilter(filters: RunFilters): RunFilter {
  const { includeNames, includeTypes, includeTags, excludeNames, excludeTypes, excludeTags } = filters;
  const hasInclude = includeNames !== undefined || includeTypes !== undefined || includeTags !== undefined;
  const hasExclude = excludeNames !== undefined || excludeTypes !== undefined || excludeTags !== undefined;
  if (!hasInclude && !hasExclude) return includeAll;
  return (name, type, tags) => {
    let include = !hasInclude;
    if (includeNames !== undefined) include ||= includeNames.includes(name);
    if (includeTypes !== undefined) include ||= includeTypes.includes(type);
    if (includeTags !== undefined) include ||= tags.some((tag) => includeTags.includes(tag));
    if (excludeNames !== undefined) include &&= !excludeNames.includes(name);
    if (excludeTypes !== undefined) include &&= !excludeTypes.includes(type);
    if (excludeTags !== undefined) include &&= !tags.some((tag) => excludeTags.includes(tag));
    return include;
  };
}
