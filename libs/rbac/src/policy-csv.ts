/**
 * Policy text the way Argo CD reads it (util/rbac/rbac.go `argocdAdapter.LoadPolicy` / `loadPolicyLine`): one
 * rule per line, the line trimmed, empty lines and lines starting with `#` skipped, each line read as one CSV
 * record by Go's encoding/csv with `TrimLeadingSpace` (so `"role,admin"` is one field, leading blanks of a
 * field are dropped and trailing ones kept).
 */

/** A p or g line with where it came from, for messages. */
export interface PolicyLineSource {
  /** The argocd-rbac-cm key (`policy.csv`, `policy.overlay.csv`), or where else the text came from. */
  key: string;
  /** 1-based line in that key's text. */
  line: number;
}

export interface CsvRecord {
  fields: string[];
  source: PolicyLineSource;
}

export interface CsvProblem {
  source: PolicyLineSource;
  message: string;
}

const isSpace = (char: string | undefined): boolean => char !== undefined && /\s/.test(char);

/**
 * Reads one line as Go's csv.Reader does with TrimLeadingSpace and strict quotes; returns the fields or
 * what is wrong, with its column.
 */
export function readCsvRecord(line: string): { fields: string[] } | { error: string } {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    while (isSpace(line[i])) i++;
    if (line[i] === '"') {
      const start = i + 1;
      let value = '';
      i = start;
      for (;;) {
        if (i >= line.length) return { error: `column ${start}: a quoted field is not closed` };
        if (line[i] === '"') {
          if (line[i + 1] === '"') {
            value += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += line[i];
        i++;
      }
      fields.push(value);
      if (i >= line.length) return { fields };
      if (line[i] !== ',') {
        return { error: `column ${i + 1}: text after a closing quote; put a comma right after the quote` };
      }
      i++;
      continue;
    }
    const comma = line.indexOf(',', i);
    const value = comma < 0 ? line.slice(i) : line.slice(i, comma);
    const quote = value.indexOf('"');
    if (quote >= 0) {
      return {
        error: `column ${i + quote + 1}: a quote inside an unquoted field; quote the whole field and double the inner quote ("a""b")`,
      };
    }
    fields.push(value);
    if (comma < 0) return { fields };
    i = comma + 1;
  }
}

/** Splits policy text into CSV records (skipping blanks and comments); every unreadable line is a problem. */
export function readPolicyText(text: string, key: string): { records: CsvRecord[]; problems: CsvProblem[] } {
  const records: CsvRecord[] = [];
  const problems: CsvProblem[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const source = { key, line: index + 1 };
    const result = readCsvRecord(line);
    if ('error' in result) problems.push({ source, message: `not a CSV line: ${result.error}` });
    else records.push({ fields: result.fields, source });
  });
  return { records, problems };
}
