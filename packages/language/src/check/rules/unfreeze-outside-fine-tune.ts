// TL2017: `unfreeze` in `train { }`. Stage 1's frozen layers come from `use … freeze`;
// unfreezing is what the second stage is for.
import { at, messages } from '../../diagnostics/catalog';
import { keywordSpan } from '../context';
import type { Rule } from './types';

export const unfreezeOutsideFineTuneRule: Rule = ({ program }) =>
  program.statements.flatMap((statement) =>
    statement.kind === 'Stage' && statement.stage === 'train'
      ? statement.settings
          .filter((s) => s.kind === 'Unfreeze')
          .map((s) => at(messages.unfreezeOutsideFineTune(), keywordSpan(s, 'unfreeze')))
      : [],
  );
