// A diagnostic is data; rendering (pretty for people, JSON for tools, LSP for editors) is separate.
import type { Span } from '../ast/nodes';

export type Severity = 'error' | 'warning' | 'info';

export interface Label {
  span: Span;
  message: string;
}

export interface Diagnostic {
  /** Stable, never reused: TL1xxx syntax, TL2xxx meaning, TL3xxx plan and schema, TL4xxx run time. */
  code: string;
  severity: Severity;
  message: string;
  /** Offsets into the source; line and column are computed only when rendering. */
  span: Span;
  /** Secondary spans ("first defined here"). */
  labels?: Label[];
  /** `= note:` lines. */
  notes?: string[];
  /** A known fix: "did you mean `ResNet50V2`?". */
  help?: string;
}
