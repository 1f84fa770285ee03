// A checker rule: a function of the shared context returning its diagnostics (graphql-js style).
import type { Diagnostic } from '../../diagnostics/types';
import type { CheckContext } from '../context';

export type Rule = (context: CheckContext) => Diagnostic[];
