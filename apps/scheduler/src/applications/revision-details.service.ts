import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DomainError, sourcesOf, type Application, type ApplicationSource } from '@berth/domain';
import {
  DependencyUnavailableError,
  documentToJS,
  DocumentLimitError,
  parseAllDocumentsBounded,
} from '@berth/infra';
import { isSourceError } from '@berth/sources';
import { Injectable } from '@nestjs/common';
import { SchedulerContext } from '../scheduler.context';
import { chartDetailsOf, type ChartDetails } from './chart-details';
import { SchedulerSources } from './scheduler-sources';

/** Argo CD's `RevisionMetadata` of a Git commit. `signatureInfo` stays empty: Berth does not verify signatures. */
export interface RevisionMetadata {
  author: string;
  date: string;
  tags: string[];
  message: string;
  signatureInfo: string;
}

/** Query parameters of both routes (Argo CD's RevisionMetadataQuery / RevisionChartDetailsQuery). */
export interface RevisionQuery {
  sourceIndex?: string;
  appNamespace?: string;
  project?: string;
}

/**
 * A Git revision as it may reach Berth's Git layer: a commit SHA (7 to 40 hex digits) goes to `git` as a
 * commit; anything else must look like a branch or tag name (no option-like `-` start, no `..`, `@{`,
 * `//`, spaces or control characters) and is only ever compared with the names `git ls-remote` lists.
 */
const COMMIT_SHA = /^[0-9a-f]{7,40}$/i;
const REF_NAME = /^(?!-)(?!.*\.\.)(?!.*@\{)(?!.*\/\/)(?!.*\.lock$)[A-Za-z0-9._/+-]{1,255}(?<![./])$/;
/** A chart version or a semver constraint over versions, as `targetRevision` of a Helm source is. */
const CHART_VERSION = /^[A-Za-z0-9*^~<>=. |x+-]{1,128}$/;

/**
 * Argo CD's RevisionMetadata and RevisionChartDetails (`GET .../revisions/{revision}/metadata` and
 * `.../chartdetails`): who wrote a Git revision of the app's source, when, with which message and tags;
 * what a Helm chart version says of itself. Read from the scheduler's mirror and chart cache with the
 * credentials the app's project may use, as renders are.
 */
@Injectable()
export class RevisionDetailsService {
  constructor(
    private readonly ctx: SchedulerContext,
    private readonly sources: SchedulerSources,
  ) {}

  async metadata(name: string, revision: string, query: RevisionQuery): Promise<RevisionMetadata> {
    const { app, source } = await this.source(name, query);
    if (source.chart)
      throw new DomainError(
        'Invalid',
        `revision: the source of "${name}" is Helm chart "${source.chart}", not Git; ask .../revisions/${revision}/chartdetails`,
      );
    if (!COMMIT_SHA.test(revision) && !REF_NAME.test(revision))
      throw new DomainError(
        'Invalid',
        `revision: ${JSON.stringify(revision.slice(0, 64))} is not a commit SHA or a branch or tag name`,
      );
    const { credentials } = await this.sources.credentials.forApplication(app);
    const access = { credentials };
    try {
      const sha = COMMIT_SHA.test(revision)
        ? revision.toLowerCase()
        : (await this.sources.git.resolveRevision(source.repoURL, revision, access)).sha;
      const commit = await this.sources.git.commitMetadata(source.repoURL, sha, access);
      return { ...commit, signatureInfo: '' };
    } catch (error) {
      throw sourceFailure(error, `read revision ${revision} of ${source.repoURL}`);
    }
  }

  async chartDetails(name: string, revision: string, query: RevisionQuery): Promise<ChartDetails> {
    const { app, source } = await this.source(name, query);
    if (!source.chart)
      throw new DomainError(
        'Invalid',
        `the source of "${name}" is not a Helm chart (spec.source.chart is empty); ask .../revisions/${revision}/metadata for a Git revision`,
      );
    if (!CHART_VERSION.test(revision))
      throw new DomainError(
        'Invalid',
        `revision: ${JSON.stringify(revision.slice(0, 64))} is not a chart version`,
      );
    const { credentials } = await this.sources.credentials.forApplication(app);
    let dir: string;
    try {
      const entry = await this.sources.charts.resolve(source.repoURL, source.chart, revision, credentials);
      const passCredentials = source.helm?.passCredentials === true;
      dir = await this.sources.charts.pull(
        source.repoURL,
        source.chart,
        entry.version,
        passCredentials,
        credentials,
      );
    } catch (error) {
      throw sourceFailure(error, `read chart ${source.chart} ${revision} of ${source.repoURL}`);
    }
    return chartDetailsOf(await readChartYaml(join(dir, 'Chart.yaml'), source.chart));
  }

  /** The app and its source at `sourceIndex` (0 when absent: Argo CD's GetSource of a multi-source app). */
  private async source(
    name: string,
    query: RevisionQuery,
  ): Promise<{ app: Application; source: ApplicationSource }> {
    const record = await this.ctx.applications.find(name);
    if (!record)
      throw new DomainError(
        'NotFound',
        `application "${name}" not found; list them with GET /api/v1/applications`,
      );
    const app = record.manifest as unknown as Application;
    if (query.project && query.project !== (app.spec.project || 'default'))
      throw new DomainError('NotFound', `application "${name}" not found in project "${query.project}"`);
    if (query.appNamespace && query.appNamespace !== (app.metadata.namespace ?? 'argocd'))
      throw new DomainError(
        'NotFound',
        `application "${name}" not found in namespace "${query.appNamespace}"`,
      );
    const sources = sourcesOf(app);
    const index = query.sourceIndex === undefined ? 0 : Number(query.sourceIndex);
    const source = sources[index];
    if (!source)
      throw new DomainError(
        'Invalid',
        `sourceIndex: "${name}" has ${sources.length} source(s); give an index from 0 to ${sources.length - 1}`,
      );
    return { app, source };
  }
}

async function readChartYaml(path: string, chart: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new DomainError('Invalid', `chart ${chart} has no Chart.yaml`);
  }
  try {
    const [doc] = parseAllDocumentsBounded(text);
    return doc && doc.errors.length === 0 ? documentToJS(doc) : undefined;
  } catch (error) {
    if (error instanceof DocumentLimitError)
      throw new DomainError('Invalid', `chart ${chart}: its Chart.yaml is refused: ${error.message}`);
    throw error;
  }
}

/**
 * A fetch that failed, as the manifests route answers it: the scheduler's own disk is a 503 naming the data
 * dir; anything else the SourceError's message (what to change) as a 400, or 404 for a revision that is
 * not there.
 */
function sourceFailure(error: unknown, what: string): unknown {
  if (!isSourceError(error)) return error;
  if (error.code === 'disk-error')
    return new DependencyUnavailableError(
      'data-dir',
      `cannot ${what}: ${error.message}; retry once the disk is writable`,
      {
        cause: error,
      },
    );
  return new DomainError(
    error.code === 'revision-not-found' ? 'NotFound' : 'Invalid',
    `cannot ${what}: ${error.message}`,
    {
      reason: error.code,
    },
  );
}
