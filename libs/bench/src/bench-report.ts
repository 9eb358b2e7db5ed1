/** One measured figure; `limit` names the bare-cost figure it is compared with. */
export interface BenchFigure {
  scenario: string;
  name: string;
  value: number;
  unit: string;
  /** `key` of a limits figure; the ratio says how far Berth is from that bare cost. */
  limit?: string;
  /** time: ratio = value / limit (1 = as fast as the bare tool); rate: ratio = limit / value. */
  compare?: 'time' | 'rate';
  /** Stable id other figures refer to (limits figures only). */
  key?: string;
  /** Filled in by `withRatios`. */
  ratio?: number;
  note?: string;
}

export interface ScenarioOutcome {
  scenario: string;
  status: 'ok' | 'skipped' | 'failed';
  /** Why a scenario was skipped or failed, or what it reused (e.g. an already-filled audit database). */
  reason?: string;
  seconds: number;
  figures: BenchFigure[];
  /** Raw samples and anything else worth keeping in the JSON. */
  details?: Record<string, unknown>;
}

export interface BenchReport {
  startedAt: string;
  finishedAt: string;
  options: Record<string, unknown>;
  machine: { cpus: number; memoryGiB: number; node: string; platform: string };
  scenarios: ScenarioOutcome[];
  /** Every figure, ratios included. */
  figures: BenchFigure[];
}

/** Computes each figure's ratio to the limit it names (when that limit was measured in this run). */
export function withRatios(figures: readonly BenchFigure[]): BenchFigure[] {
  const limits = new Map(figures.filter((f) => f.key).map((f) => [f.key!, f.value]));
  return figures.map((f) => {
    const limit = f.limit ? limits.get(f.limit) : undefined;
    if (limit === undefined || !Number.isFinite(limit) || !Number.isFinite(f.value) || f.value === 0)
      return f;
    const ratio = f.compare === 'rate' ? limit / f.value : f.value / limit;
    return { ...f, ratio };
  });
}

const fmt = (n: number): string => {
  if (!Number.isFinite(n)) return 'n/a';
  const abs = Math.abs(n);
  if (abs >= 1000) return Math.round(n).toLocaleString('en-US');
  if (abs >= 10) return n.toFixed(1);
  if (abs >= 0.01 || n === 0) return n.toFixed(2);
  return n.toExponential(1);
};

/** A Markdown table (also readable in a terminal): scenario, figure, value, limit, ratio to limit. */
export function renderSummaryTable(
  outcomes: readonly ScenarioOutcome[],
  figures: readonly BenchFigure[],
): string {
  const byKey = new Map(figures.filter((f) => f.key).map((f) => [f.key!, f]));
  const lines = ['| scenario | figure | value | limit (bare) | ratio to limit |', '|---|---|---|---|---|'];
  for (const outcome of outcomes) {
    if (outcome.status !== 'ok')
      lines.push(`| ${outcome.scenario} | ${outcome.status} | ${outcome.reason ?? ''} | | |`);
    for (const f of figures.filter((x) => x.scenario === outcome.scenario)) {
      const limit = f.limit ? byKey.get(f.limit) : undefined;
      lines.push(
        `| ${f.scenario} | ${f.name}${f.note ? ` (${f.note})` : ''} | ${fmt(f.value)} ${f.unit} | ${
          limit ? `${limit.name}: ${fmt(limit.value)} ${limit.unit}` : ''
        } | ${f.ratio !== undefined ? `${fmt(f.ratio)}x` : ''} |`,
      );
    }
  }
  return lines.join('\n');
}
