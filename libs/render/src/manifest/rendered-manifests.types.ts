import type { KubernetesObject, SourceType } from '../source.types';
import type { ToolVersions } from '../tools/tool-locator';

/** What a render produces, and what the manifest cache stores. */
export interface RenderedManifests {
  objects: KubernetesObject[];
  /** Commit of the first rendered source; the chart version when it is a Helm repository chart. */
  revision: string;
  /** Commit (Git) or chart version (Helm repository) of each entry of `sources` (or of `source`), in order. */
  revisions: string[];
  /** Type of the first rendered source. */
  sourceType: SourceType;
  /** Type of each rendered (non ref-only) source, in order. */
  sourceTypes: SourceType[];
  tools: ToolVersions;
  cacheHit: boolean;
}
