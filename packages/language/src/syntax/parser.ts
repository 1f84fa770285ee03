// Tokens -> AST. A recursive-descent parser over the Chevrotain tokens: every statement and
// every block setting starts with a keyword, so one token of lookahead decides everything.
// (Chevrotain's parser engine is not used: its re-sync recovery drops the partial node of a
// failed rule and inserts or deletes single tokens by its own judgement, while tlc wants each
// mistake reported once, in the catalog's words, with the rest of the statement kept.)
//
// Error recovery is by statement: the first mistake in a statement (or in one setting of a
// block) becomes one diagnostic from the catalog, the partial node stays in the tree (marked
// `recovered`: the checker does not judge it; a block with a setting not understood is
// `incomplete`), and parsing
// resumes at the next newline, `;` or `}` (a block met on the way is skipped whole).
// A block whose `}` is missing ends at the next top-level statement keyword, so a forgotten
// brace does not turn the rest of the file into errors.
//
// The grammar is written over the parser of each rule (as graphql-js does): `"word"` is a
// keyword, Identifier / String / Number / Percent / Size / Fraction / Range / NumberList are
// tokens or literals, `X?` optional, `X*` any number, `X+` one or more, `|` a choice. Statements
// and the settings of a `{ … }` block end at a newline or `;`.
import type * as Ast from '../ast/nodes';
import type { Span } from '../ast/nodes';
import { at, messages, orList, type Message } from '../diagnostics/catalog';
import { didYouMean } from '../diagnostics/did-you-mean';
import type { Diagnostic } from '../diagnostics/types';
import type { Token, TokenKind } from './lexer';
import { BLOCK_SETTINGS, STATEMENT_KEYWORDS } from './tokens';

/** Thrown to abandon the current statement or setting; caught where recovery happens. */
class ParseFailure {
  constructor(readonly diagnostic: Diagnostic) {}
}

type BlockName = keyof typeof BLOCK_SETTINGS | 'fine tune' | 'class weights';

const STATEMENT_WORDS: readonly string[] = STATEMENT_KEYWORDS;
/** Statement names as a user would write them, for "did you mean". */
const STATEMENT_SUGGESTIONS = STATEMENT_KEYWORDS.map((k) => (k === 'fine' ? 'fine tune' : k));
const USE_CLAUSES = ['alpha', 'weights', 'freeze', 'cut'];

function settingsOf(block: BlockName): readonly string[] {
  if (block === 'fine tune') return BLOCK_SETTINGS.train;
  if (block === 'class weights') return [];
  return BLOCK_SETTINGS[block];
}

/** The settings of several words, by the block that takes them (`early stop`, not `early`). */
const SETTING_PHRASES: Partial<Record<BlockName, readonly string[]>> = {
  data: ['on bad image'],
  augment: ['channel shift', 'random crop'],
  train: ['label smoothing', 'early stop', 'class weights', 'reduce lr on plateau', 'batch norm'],
  'fine tune': ['label smoothing', 'early stop', 'class weights', 'reduce lr on plateau', 'batch norm'],
};

/**
 * The keyword a word-split or word-joined slip meant: `mix up` (the word and the next one on its
 * line) for `mixup`, `earlystop` for `early stop`. Edit distance misses these: one space is
 * a whole word apart.
 */
function splitOrJoined(word: string, next: Token | undefined, keywords: readonly string[], phrases: readonly string[]): string | undefined {
  const lower = word.toLowerCase();
  if (next?.kind === 'Identifier') {
    const joined = lower + next.image.toLowerCase();
    const keyword = keywords.find((k) => !k.includes(' ') && k === joined);
    if (keyword !== undefined) return keyword;
  }
  return phrases.find((p) => p.replaceAll(' ', '') === lower && p !== word);
}

/** The block (other than `block`) that has this setting, as the user writes its header. */
function blockOwning(word: string, except?: BlockName): string | undefined {
  if (word === 'unfreeze' && except !== 'fine tune') return 'fine tune { }';
  for (const [name, settings] of Object.entries(BLOCK_SETTINGS)) {
    if (name === except || (except === 'fine tune' && name === 'train')) continue;
    if ((settings as readonly string[]).includes(word)) return `${name} { }`;
  }
  if (USE_CLAUSES.includes(word)) return 'use';
  return undefined;
}

/** How a token is named in a message: "`word`", "the string \"x\"", "the end of the line". */
function describe(token: Token): string {
  switch (token.kind) {
    case 'String':
      return `the string ${token.image}`;
    case 'Newline':
      return 'the end of the line';
    case 'EOF':
      return 'the end of the file';
    default:
      return `\`${token.image}\``;
  }
}

const TERMINATORS: ReadonlySet<TokenKind> = new Set(['Newline', 'Semicolon', 'EOF', 'RCurly']);

export class Parser {
  private pos = 0;
  /** The innermost block being parsed, for messages. */
  private currentBlock: BlockName | undefined;
  /** End offset of the last token consumed. */
  private lastEnd = 0;
  /** The statements and settings being parsed, outermost first: a mistake in a block marks its owner `incomplete`. */
  private readonly openItems: { incomplete?: true }[] = [];
  readonly diagnostics: Diagnostic[] = [];

  constructor(private readonly tokens: Token[]) {}

  // ---------------------------------------------------------------- token access

  private peek(ahead = 0): Token {
    return this.tokens[Math.min(this.pos + ahead, this.tokens.length - 1)];
  }

  private next(): Token {
    const token = this.peek();
    if (token.kind !== 'EOF') this.pos++;
    this.lastEnd = token.span.end;
    return token;
  }

  private isWord(word: string): boolean {
    const token = this.peek();
    return token.kind === 'Identifier' && token.image === word;
  }

  private atTerminator(): boolean {
    return TERMINATORS.has(this.peek().kind);
  }

  private fail(message: Message, span: Span = this.peek().span): never {
    throw new ParseFailure(at(message, span));
  }

  private failExpected(what: string, after: string, help?: string): never {
    const token = this.peek();
    // A missing value is reported where it should have been: just after the previous token.
    const span = TERMINATORS.has(token.kind) ? { start: this.lastEnd, end: this.lastEnd } : token.span;
    this.fail(messages.expected(what, after, describe(token), help), span);
  }

  // ---------------------------------------------------------------- values

  private identifier(token: Token): Ast.Identifier {
    return { kind: 'Identifier', name: token.image, span: { ...token.span } };
  }

  private expectIdentifier(what: string, after: string, help?: string): Ast.Identifier {
    if (this.peek().kind !== 'Identifier') this.failExpected(what, after, help);
    return this.identifier(this.next());
  }

  private expectWord(word: string, after: string): Token {
    if (!this.isWord(word)) {
      // `label smothing`, `early stpo`, `reduce lr on platau`: the one word that fits, if it is close.
      const found = this.peek();
      const close = found.kind === 'Identifier' && didYouMean(found.image, [word]) !== undefined;
      this.failExpected(`\`${word}\``, after, close ? `did you mean \`${word}\`?` : undefined);
    }
    return this.next();
  }

  private string(token: Token): Ast.StringLiteral {
    return { kind: 'String', value: token.value ?? '', span: { ...token.span } };
  }

  private expectString(what: string, after: string): Ast.StringLiteral {
    if (this.peek().kind !== 'String') this.failExpected(what, after);
    return this.string(this.next());
  }

  private number(raw: string, span: Span): Ast.NumberLiteral {
    return { kind: 'Number', value: Number(raw), raw, span };
  }

  private expectNumber(after: string, what = 'a number'): Ast.NumberLiteral {
    if (this.peek().kind !== 'Number') this.failExpected(what, after);
    const token = this.next();
    return this.number(token.image, { ...token.span });
  }

  private percent(token: Token): Ast.PercentLiteral {
    return { kind: 'Percent', value: Number(token.image.slice(0, -1)) / 100, raw: token.image, span: { ...token.span } };
  }

  private size(token: Token): Ast.SizeLiteral {
    const [width, height] = token.image.split('x').map(Number);
    return { kind: 'Size', width, height, raw: token.image, span: { ...token.span } };
  }

  private fraction(token: Token): Ast.FractionLiteral {
    const [numerator, denominator] = token.image.split('/').map(Number);
    return { kind: 'Fraction', numerator, denominator, raw: token.image, span: { ...token.span } };
  }

  private expectRange(after: string): Ast.RangeLiteral {
    if (this.peek().kind !== 'Range') this.failExpected('a range like `0.8..1.2`', after);
    const token = this.next();
    const split = token.image.indexOf('..');
    const start = token.span.start;
    const minRaw = token.image.slice(0, split);
    const maxRaw = token.image.slice(split + 2);
    return {
      kind: 'Range',
      min: this.number(minRaw, { start, end: start + split }),
      max: this.number(maxRaw, { start: start + split + 2, end: token.span.end }),
      span: { ...token.span },
    };
  }

  private expectNumberList(after: string): Ast.NumberList {
    if (this.peek().kind !== 'LBracket') this.failExpected('a list like `[0.5, 0.5, 0.5]`', after);
    const open = this.next();
    const values: Ast.NumberLiteral[] = [];
    if (this.peek().kind !== 'RBracket') {
      values.push(this.expectNumber('['));
      while (this.peek().kind === 'Comma') {
        this.next();
        values.push(this.expectNumber(','));
      }
    }
    if (this.peek().kind !== 'RBracket') this.failExpected('`,` or `]`', values.length ? values[values.length - 1].raw : '[');
    this.next();
    return { kind: 'NumberList', values, span: { start: open.span.start, end: this.lastEnd } };
  }

  /** A block alias (`block4`) or a quoted Keras layer name. */
  /** layerRef = Identifier | String | "layer" Number   (the index only where `index` allows it) */
  private expectLayerRef(after: string, index: false): Ast.NamedLayer;
  private expectLayerRef(after: string, index?: true): Ast.LayerRef;
  private expectLayerRef(after: string, index = true): Ast.LayerRef {
    const token = this.peek();
    if (index && this.isWord('layer')) {
      this.next();
      const node: Ast.LayerIndex = { kind: 'LayerIndex', span: { ...token.span } };
      node.index = this.expectNumber('layer', 'a layer index like `120`');
      node.span.end = this.lastEnd;
      return node;
    }
    if (token.kind === 'Identifier') return this.identifier(this.next());
    if (token.kind === 'String') return this.string(this.next());
    this.failExpected(index ? 'a block like `block4`, a quoted layer name or `layer N`' : 'a block like `block4` or a quoted layer name', after);
  }

  // ---------------------------------------------------------------- recovery

  /** Skips to the end of the current statement: a newline or `;`, or a `}` left for the block. */
  private sync(): void {
    let depth = 0;
    for (;;) {
      const token = this.peek();
      if (token.kind === 'EOF') return;
      if (depth === 0 && (token.kind === 'Newline' || token.kind === 'Semicolon' || token.kind === 'RCurly')) return;
      if (token.kind === 'LCurly') depth++;
      if (token.kind === 'RCurly') depth--;
      this.next();
    }
  }

  /** After a complete statement or setting only its end may follow. */
  private endOfItem(where: string, clauses: readonly string[] = []): void {
    if (this.atTerminator()) return;
    const token = this.peek();
    const word = token.kind === 'Identifier' ? token.image : undefined;
    // A setting of another block written here: say where it goes. Statement keywords and this
    // block's own settings only need the current item ended first (the default help).
    const local = word !== undefined && (STATEMENT_WORDS.includes(word) || this.isLocalSetting(word));
    const belongsTo = word === undefined || local ? undefined : blockOwning(word, this.currentBlock);
    const suggestion = word === undefined || belongsTo !== undefined || local ? undefined : didYouMean(word, clauses);
    const item = this.currentBlock === undefined ? 'statement' : 'setting';
    this.fail(messages.unexpected(describe(token), where, suggestion, belongsTo, item));
  }

  private isLocalSetting(word: string): boolean {
    return this.currentBlock !== undefined && settingsOf(this.currentBlock).includes(word);
  }

  /** A value word may follow (colour, flip direction, activation) unless it starts the next setting. */
  private atValueWord(): boolean {
    const token = this.peek();
    return token.kind === 'Identifier' && !this.isLocalSetting(token.image) && !STATEMENT_WORDS.includes(token.image);
  }

  /**
   * Parses one statement or setting whose node is already in its list: the node keeps whatever
   * was parsed when a mistake abandons it (marked `recovered`), and its span covers what it consumed.
   */
  private item(node: { span: Span; recovered?: true; incomplete?: true }, body: () => void): void {
    this.openItems.push(node);
    try {
      body();
      node.span.end = this.lastEnd;
    } catch (failure) {
      if (!(failure instanceof ParseFailure)) throw failure;
      this.diagnostics.push(failure.diagnostic);
      node.recovered = true;
      node.span.end = Math.max(this.lastEnd, node.span.start);
      this.sync();
    } finally {
      this.openItems.pop();
    }
  }

  /** A setting of the block being parsed was not understood (misspelt, a stray token): its owner is `incomplete`. */
  private blockLostSetting(): void {
    const owner = this.openItems.at(-1);
    if (owner && this.currentBlock !== undefined) owner.incomplete = true;
  }

  private skipSeparators(): void {
    while (this.peek().kind === 'Newline' || this.peek().kind === 'Semicolon') this.next();
  }

  // ---------------------------------------------------------------- program

  /** program = statement*     (a stray `}` is reported and skipped) */
  parseProgram(comments: Ast.Comment[], length: number): Ast.Program {
    const statements: Ast.Statement[] = [];
    for (;;) {
      this.skipSeparators();
      const token = this.peek();
      if (token.kind === 'EOF') break;
      if (token.kind === 'RCurly') {
        this.diagnostics.push(at(messages.unmatchedClose(), token.span));
        this.next();
        continue;
      }
      this.statement(statements);
    }
    return { kind: 'Program', statements, comments, span: { start: 0, end: length } };
  }

  /**
   * statement = pipeline | data | augment | use | preprocess | head | stage | evaluate | export
   *           | predict
   * Only dispatches on the leading keyword (consumed here); each parser below builds its node.
   */
  private statement(statements: Ast.Statement[]): void {
    const keyword = this.peek();
    if (keyword.kind !== 'Identifier' || !STATEMENT_WORDS.includes(keyword.image)) {
      const slip = keyword.kind === 'Identifier' ? splitOrJoined(keyword.image, this.peek(1), STATEMENT_SUGGESTIONS, ['fine tune']) : undefined;
      const failure = keyword.kind === 'Identifier'
        ? messages.unknownStatement(keyword.image, slip ?? didYouMean(keyword.image, STATEMENT_SUGGESTIONS), blockOwning(keyword.image))
        : messages.unexpected(describe(keyword), 'place of a statement');
      this.diagnostics.push(at(failure, keyword.span));
      this.sync();
      return;
    }
    this.next();
    const span = { ...keyword.span };
    switch (keyword.image) {
      case 'pipeline':
        return this.pipelineStatement(statements, span);
      case 'data':
        return this.dataStatement(statements, span);
      case 'augment':
        return this.augmentStatement(statements, span);
      case 'use':
        return this.useStatement(statements, span);
      case 'preprocess':
        return this.preprocessStatement(statements, span);
      case 'head':
        return this.headStatement(statements, span);
      case 'train':
      case 'fine':
        return this.stageStatement(statements, span, keyword.image === 'train' ? 'train' : 'fineTune');
      case 'evaluate':
        return this.evaluateStatement(statements, span);
      case 'export':
      case 'predict':
        return this.outputStatement(statements, span, keyword.image);
    }
  }

  /** Adds a statement node (its keyword already consumed) to the program and parses the rest. */
  private begin<N extends Ast.Statement>(statements: Ast.Statement[], node: N, body: (node: N) => void): void {
    statements.push(node);
    this.item(node, () => body(node));
  }

  /** pipeline = "pipeline" String */
  private pipelineStatement(statements: Ast.Statement[], span: Span): void {
    this.begin(statements, { kind: 'Pipeline', span } as Ast.PipelineStatement, (node) => {
      node.name = this.expectString('a pipeline name in quotes', 'pipeline');
      this.endOfItem('`pipeline`');
    });
  }

  /** data = "data" String ( "{" dataSetting* "}" )?  |  "data" "{" dataSetting* "}" */
  private dataStatement(statements: Ast.Statement[], span: Span): void {
    this.begin(statements, { kind: 'Data', settings: [], span } as Ast.DataStatement, (node) => {
      if (this.peek().kind === 'String') node.directory = this.string(this.next());
      if (this.peek().kind === 'LCurly') {
        if (!this.block('data', (word) => this.dataSetting(word, node.settings))) return;
      } else if (node.directory === undefined) this.failExpected('a folder in quotes or a `{` block', 'data');
      this.endOfItem('`data`');
    });
  }

  /** augment = "augment" "{" augmentSetting* "}" */
  private augmentStatement(statements: Ast.Statement[], span: Span): void {
    this.begin(statements, { kind: 'Augment', settings: [], span } as Ast.AugmentStatement, (node) => {
      if (this.peek().kind !== 'LCurly') this.failExpected('`{`', 'augment');
      if (this.block('augment', (word) => this.augmentSetting(word, node.settings))) this.endOfItem('`augment`');
    });
  }

  /** stage = "train" "{" stageSetting* "}"  |  "fine" "tune" String? "{" stageSetting* "}" */
  private stageStatement(statements: Ast.Statement[], span: Span, stage: Ast.StageStatement['stage']): void {
    this.begin(statements, { kind: 'Stage', stage, settings: [], span } as Ast.StageStatement, (node) => {
      if (stage === 'fineTune') {
        this.expectWord('tune', 'fine');
        if (this.peek().kind === 'String') node.name = this.string(this.next());
      }
      const name = stage === 'train' ? 'train' : 'fine tune';
      if (this.peek().kind !== 'LCurly') this.failExpected('`{`', name);
      if (this.block(name, (word) => this.stageSetting(word, node.settings))) this.endOfItem(`\`${name}\``);
    });
  }

  /**
   * evaluate = "evaluate" ( Identifier | String )? ( "tta" Identifier )? ( "threshold" Number )?
   *            (`validation`, or a test folder)
   */
  private evaluateStatement(statements: Ast.Statement[], span: Span): void {
    this.begin(statements, { kind: 'Evaluate', span } as Ast.EvaluateStatement, (node) => {
      const token = this.peek();
      if (token.kind === 'Identifier' && token.image !== 'tta' && token.image !== 'threshold') node.target = this.identifier(this.next());
      else if (token.kind === 'String') node.target = this.string(this.next());
      // `tta` and `threshold` in either order (the formatter writes tta first).
      for (;;) {
        if (!node.tta && this.isWord('tta')) {
          this.next();
          node.tta = this.expectIdentifier('`flips`', 'tta');
        } else if (!node.threshold && this.isWord('threshold')) {
          this.next();
          node.threshold = this.expectNumber('threshold');
        } else break;
      }
      const more = [...(node.tta || node.threshold ? [] : ['tta']), ...(node.threshold ? [] : ['threshold'])];
      this.endOfItem('`evaluate`', more.length > 0 ? more : undefined);
    });
  }

  /** export = "export" String ( "as" Identifier )?;  predict = "predict" String */
  private outputStatement(statements: Ast.Statement[], span: Span, keyword: 'export' | 'predict'): void {
    const node: Ast.ExportStatement | Ast.PredictStatement = keyword === 'export' ? { kind: 'Export', span } : { kind: 'Predict', span };
    this.begin(statements, node, (n) => {
      n.path = this.expectString('a path in quotes', keyword);
      if (n.kind === 'Export' && this.isWord('as')) {
        this.next();
        n.format = this.expectIdentifier('`tfjs` or `onnx`', 'as');
      }
      this.endOfItem(`\`${keyword}\``, n.kind === 'Export' && !n.format ? ['as'] : []);
    });
  }

  /**
   * block = "{" setting* "}". Each setting recovers on its own. A top-level statement keyword
   * at the start of a setting means the `}` is missing: the block ends there (returns false,
   * and the statement then ends without looking further).
   */
  private block(name: BlockName, setting: (word: Token) => void): boolean {
    const outer = this.currentBlock;
    this.currentBlock = name;
    try {
      return this.blockBody(name, setting);
    } finally {
      this.currentBlock = outer;
    }
  }

  private blockBody(name: BlockName, setting: (word: Token) => void): boolean {
    const open = this.next();
    for (;;) {
      this.skipSeparators();
      const token = this.peek();
      if (token.kind === 'RCurly') {
        this.next();
        return true;
      }
      const statementStarts = token.kind === 'Identifier' && STATEMENT_WORDS.includes(token.image) && name !== 'class weights';
      if (token.kind === 'EOF' || statementStarts) {
        this.diagnostics.push(at(messages.unclosedBlock(name), open.span));
        return false;
      }
      const classWeightName = name === 'class weights' && token.kind === 'String';
      if (token.kind !== 'Identifier' && !classWeightName) {
        this.diagnostics.push(at(messages.unexpected(describe(token), `\`${name}\``), token.span));
        this.blockLostSetting();
        this.next();
        this.sync();
        continue;
      }
      if (name !== 'class weights' && !settingsOf(name).includes(token.image)) {
        const suggestion = splitOrJoined(token.image, this.peek(1), settingsOf(name), SETTING_PHRASES[name] ?? []) ?? didYouMean(token.image, settingsOf(name));
        this.diagnostics.push(
          at(messages.unknownSetting(token.image, name, suggestion, blockOwning(token.image, name)), token.span),
        );
        this.blockLostSetting();
        this.sync();
        continue;
      }
      setting(token);
    }
  }

  /** Starts a setting node at its keyword (consumed) and parses the rest of it. */
  private setting<L extends { span: Span }, N extends L>(list: L[], node: N, body: (node: N) => void): void {
    list.push(node);
    this.next();
    this.item(node, () => body(node));
  }

  // ---------------------------------------------------------------- data

  /**
   * dataSetting = "image" ( Size | colour | "adapt" Identifier )+    (each at most once)
   *             | "resize" Identifier
   *             | "validation" ( Percent | String ) ( "seed" Number )?
   *             | "batch" ( Number | "auto" ) | "on" "bad" "image" Identifier | "shuffle" Identifier ( "seed" Number )?
   *             | "labels" String ( "columns" String String | "separator" String )*   (each at most once)
   */
  private dataSetting(word: Token, settings: Ast.DataSetting[]): void {
    const span = { ...word.span };
    switch (word.image) {
      case 'image':
        return this.setting(settings, { kind: 'Image', span } as Ast.ImageSetting, (node) => {
          while (!this.atTerminator()) {
            const token = this.peek();
            if (token.kind === 'Size') {
              if (node.size) this.fail(messages.duplicateClause('size', 'image'));
              node.size = this.size(this.next());
            } else if (token.kind === 'Identifier' && token.image === 'adapt') {
              if (node.adapt) this.fail(messages.duplicateClause('adapt', 'image'));
              this.next();
              node.adapt = this.expectIdentifier('`sum` or `skip`', 'adapt');
            } else if (this.atValueWord()) {
              if (node.color) this.fail(messages.duplicateClause('colour mode', 'image'));
              node.color = this.identifier(this.next());
            } else {
              this.endOfItem('`image`');
            }
          }
          if (!node.size && !node.color) this.failExpected('a size like `224x224`', 'image');
        });
      case 'resize':
        return this.setting(settings, { kind: 'Resize', span } as Ast.ResizeSetting, (node) => {
          node.mode = this.expectIdentifier('`stretch`, `crop` or `pad`', 'resize');
          this.endOfItem('`resize`');
        });
      case 'validation':
        return this.setting(settings, { kind: 'Validation', span } as Ast.ValidationSetting, (node) => {
          const token = this.peek();
          if (token.kind === 'Percent') node.fraction = this.percent(this.next());
          else if (token.kind === 'String') node.directory = this.string(this.next());
          else this.failExpected('a split like `20%` or a folder in quotes', 'validation');
          if (this.isWord('seed')) {
            this.next();
            node.seed = this.expectNumber('seed');
          }
          this.endOfItem('`validation`', ['seed']);
        });
      case 'batch':
        return this.setting(settings, { kind: 'Batch', span } as Ast.BatchSetting, (node) => {
          if (this.peek().kind === 'Identifier') node.auto = this.expectIdentifier('a batch size or `auto`', 'batch');
          else node.size = this.expectNumber('batch', 'a batch size or `auto`');
          this.endOfItem('`batch`');
        });
      case 'on':
        return this.setting(settings, { kind: 'OnBadImage', span } as Ast.OnBadImageSetting, (node) => {
          this.expectWord('bad', 'on');
          this.expectWord('image', 'on bad');
          node.action = this.expectIdentifier('`skip` or `fail`', 'on bad image');
          this.endOfItem('`on bad image`');
        });
      case 'labels':
        return this.setting(settings, { kind: 'Labels', span } as Ast.LabelsSetting, (node) => {
          node.path = this.expectString('a CSV file in quotes', 'labels');
          for (;;) {
            if (this.isWord('columns')) {
              if (node.fileColumn) this.fail(messages.duplicateClause('columns', 'labels'));
              this.next();
              node.fileColumn = this.expectString('the image column\'s header name in quotes', 'columns');
              node.labelColumn = this.expectString('the label column\'s header name in quotes', 'columns');
            } else if (this.isWord('separator')) {
              if (node.separator) this.fail(messages.duplicateClause('separator', 'labels'));
              this.next();
              node.separator = this.expectString('the string between two labels in quotes, e.g. ";"', 'separator');
            } else break;
          }
          const more = [...(node.fileColumn ? [] : ['columns']), ...(node.separator ? [] : ['separator'])];
          this.endOfItem('`labels`', more.length > 0 ? more : undefined);
        });
      default: // shuffle
        return this.setting(settings, { kind: 'Shuffle', span } as Ast.ShuffleSetting, (node) => {
          node.enabled = this.expectIdentifier('`on` or `off`', 'shuffle');
          if (this.isWord('seed')) {
            this.next();
            node.seed = this.expectNumber('seed');
          }
          this.endOfItem('`shuffle`', ['seed']);
        });
    }
  }

  // ---------------------------------------------------------------- augment

  /**
   * augmentSetting = "rotate" Number | "zoom" ( Number | Range ) | "shear" Number
   *                | "shift" ( "width" | "height" )? Number | "channel" "shift" Number
   *                | "fill" Identifier Number? | "flip" Identifier+ | "brightness" Range | "seed" Number
   *                | "mixup" Number | "cutmix" Number
   *                | "random" "crop" ( "scale" Range )? ( "ratio" Range )?   (either clause order)
   */
  private augmentSetting(word: Token, settings: Ast.AugmentSetting[]): void {
    const span = { ...word.span };
    switch (word.image) {
      case 'rotate':
        return this.setting(settings, { kind: 'Rotate', span } as Ast.RotateSetting, (node) => {
          node.degrees = this.expectNumber('rotate', 'an angle in degrees');
          this.endOfItem('`rotate`');
        });
      case 'zoom':
        return this.setting(settings, { kind: 'Zoom', span } as Ast.ZoomSetting, (node) => {
          if (this.peek().kind === 'Range') node.range = this.expectRange('zoom');
          else node.amount = this.expectNumber('zoom', 'a number like `0.1` or a range like `0.8..1.2`');
          this.endOfItem('`zoom`');
        });
      case 'shear':
        return this.setting(settings, { kind: 'Shear', span } as Ast.ShearSetting, (node) => {
          node.amount = this.expectNumber('shear');
          this.endOfItem('`shear`');
        });
      case 'shift':
        return this.setting(settings, { kind: 'Shift', span } as Ast.ShiftSetting, (node) => {
          if (this.peek().kind === 'Identifier') node.axis = this.expectIdentifier('`width`, `height` or a fraction', 'shift');
          node.amount = this.expectNumber(node.axis ? `shift ${node.axis.name}` : 'shift', 'a fraction of the image like `0.1`');
          this.endOfItem('`shift`');
        });
      case 'channel':
        return this.setting(settings, { kind: 'ChannelShift', span } as Ast.ChannelShiftSetting, (node) => {
          this.expectWord('shift', 'channel');
          node.amount = this.expectNumber('channel shift', 'an intensity like `20` (pixel values 0..255)');
          this.endOfItem('`channel shift`');
        });
      case 'fill':
        return this.setting(settings, { kind: 'Fill', span } as Ast.FillSetting, (node) => {
          node.mode = this.expectIdentifier('`nearest`, `constant`, `reflect` or `wrap`', 'fill');
          if (this.peek().kind === 'Number') node.value = this.expectNumber(`fill ${node.mode.name}`);
          this.endOfItem('`fill`');
        });
      case 'mixup':
      case 'cutmix':
        return this.setting(settings, { kind: word.image === 'mixup' ? 'Mixup' : 'Cutmix', span } as Ast.MixSetting, (node) => {
          node.alpha = this.expectNumber(word.image, 'the alpha of its Beta distribution, like `0.2`');
          this.endOfItem(`\`${word.image}\``);
        });
      case 'random':
        return this.setting(settings, { kind: 'RandomCrop', span } as Ast.RandomCropSetting, (node) => {
          this.expectWord('crop', 'random');
          while (this.isWord('scale') || this.isWord('ratio')) {
            const clause = this.peek().image as 'scale' | 'ratio';
            if (node[clause]) this.fail(messages.duplicateClause(clause, 'random crop'));
            this.next();
            node[clause] = this.expectRange(`random crop ${clause}`);
          }
          this.endOfItem('`random crop`', [...(node.scale ? [] : ['scale']), ...(node.ratio ? [] : ['ratio'])]);
        });
      case 'flip':
        return this.setting(settings, { kind: 'Flip', directions: [], span } as Ast.FlipSetting, (node) => {
          node.directions.push(this.expectIdentifier('`horizontal` or `vertical`', 'flip'));
          while (this.atValueWord()) node.directions.push(this.identifier(this.next()));
          this.endOfItem('`flip`');
        });
      case 'brightness':
        return this.setting(settings, { kind: 'Brightness', span } as Ast.BrightnessSetting, (node) => {
          node.range = this.expectRange('brightness');
          this.endOfItem('`brightness`');
        });
      default: // seed
        return this.setting(settings, { kind: 'AugmentSeed', span } as Ast.AugmentSeedSetting, (node) => {
          node.seed = this.expectNumber('seed');
          this.endOfItem('`seed`');
        });
    }
  }

  // ---------------------------------------------------------------- use / preprocess / head

  /**
   * use = "use" Identifier useClause*      (clauses in any order, each at most once)
   * useClause = "alpha" Number | "weights" ( Identifier | String ) | "freeze" freezeClause
   *           | "cut" "after" layerRef
   */
  private useStatement(statements: Ast.Statement[], span: Span): void {
    this.begin(statements, { kind: 'Use', span } as Ast.UseStatement, (node) => this.useClauses(node));
  }

  private useClauses(node: Ast.UseStatement): void {
    const token = this.peek();
    if (token.kind !== 'Identifier') {
      this.failExpected('a model name', 'use', token.kind === 'String' ? 'write the model name without quotes, e.g. `use ResNet50V2`' : undefined);
    }
    node.model = this.identifier(this.next());
    while (!this.atTerminator()) {
      const clause = this.peek();
      const word = clause.kind === 'Identifier' ? clause.image : '';
      if (word === 'alpha') {
        if (node.alpha) this.fail(messages.duplicateClause('alpha', 'use'));
        this.next();
        node.alpha = { kind: 'Alpha', span: { ...clause.span } };
        node.alpha.value = this.expectNumber('alpha', 'a width multiplier');
        node.alpha.span.end = this.lastEnd;
      } else if (word === 'weights') {
        if (node.weights) this.fail(messages.duplicateClause('weights', 'use'));
        this.next();
        node.weights = { kind: 'Weights', span: { ...clause.span } };
        const source = this.peek();
        if (source.kind === 'Identifier') node.weights.source = this.identifier(this.next());
        else if (source.kind === 'String') node.weights.source = this.string(this.next());
        else this.failExpected('`imagenet`, `none` or a file in quotes', 'weights');
        node.weights.span.end = this.lastEnd;
      } else if (word === 'freeze') {
        if (node.freeze) this.fail(messages.duplicateClause('freeze', 'use'));
        this.next();
        node.freeze = { kind: 'Freeze', span: { ...clause.span } };
        this.freezeClause(node.freeze);
        node.freeze.span.end = this.lastEnd;
      } else if (word === 'cut') {
        if (node.cut) this.fail(messages.duplicateClause('cut', 'use'));
        this.next();
        node.cut = { kind: 'Cut', span: { ...clause.span } };
        this.expectWord('after', 'cut');
        node.cut.after = this.expectLayerRef('cut after', false);
        node.cut.span.end = this.lastEnd;
      } else {
        this.endOfItem('`use`', USE_CLAUSES);
      }
    }
  }

  /** freezeClause = "all" | "none" | "until" layerRef;  layerRef = Identifier | String */
  private freezeClause(freeze: Ast.FreezeClause): void {
    const token = this.peek();
    const modes = ['all', 'none', 'until'] as const;
    const mode = modes.find((m) => token.kind === 'Identifier' && token.image === m);
    if (mode === undefined) {
      const help =
        token.kind === 'Identifier' || token.kind === 'String'
          ? /^block\d+$/.test(token.image) || token.kind === 'String'
            ? `write \`freeze until ${token.image}\``
            : didYouMean(token.image, modes) !== undefined
              ? `did you mean \`${didYouMean(token.image, modes)}\`?`
              : undefined
          : undefined;
      this.failExpected(orList(modes), 'freeze', help);
    }
    freeze.keyword = this.identifier(this.next());
    freeze.mode = mode;
    if (mode === 'until') freeze.until = this.expectLayerRef('freeze until');
  }

  /**
   * preprocess = "preprocess" ( "native" | "none" | "rescale" ( Fraction | Number )
   *            | "normalize" "mean" NumberList "std" NumberList )     (mean and std in any order)
   */
  private preprocessStatement(statements: Ast.Statement[], span: Span): void {
    this.begin(statements, { kind: 'Preprocess', span } as Ast.PreprocessStatement, (node) => this.preprocessMode(node));
  }

  private preprocessMode(node: Ast.PreprocessStatement): void {
    node.mode = this.expectIdentifier('`native`, `rescale`, `normalize` or `none`', 'preprocess');
    if (node.mode.name === 'rescale') {
      const token = this.peek();
      if (token.kind === 'Fraction') node.scale = this.fraction(this.next());
      else if (token.kind === 'Number') node.scale = this.expectNumber('rescale');
      else this.failExpected('a scale like `1/255`', 'rescale');
    } else if (node.mode.name === 'normalize') {
      while (!this.atTerminator()) {
        if (this.isWord('mean') && !node.mean) {
          this.next();
          node.mean = this.expectNumberList('mean');
        } else if (this.isWord('std') && !node.std) {
          this.next();
          node.std = this.expectNumberList('std');
        } else {
          this.endOfItem('`preprocess normalize`', ['mean', 'std']);
          break;
        }
      }
      if (!node.mean) this.failExpected('`mean [r, g, b]`', node.std ? 'std […]' : 'normalize');
      if (!node.std) this.failExpected('`std [r, g, b]`', 'mean […]');
    }
    this.endOfItem('`preprocess`');
  }

  /** head = "head" "dense" Number ( "->" Number )* Identifier?  |  "head" "{" headLayer* "}" */
  private headStatement(statements: Ast.Statement[], span: Span): void {
    this.begin(statements, { kind: 'Head', form: 'shorthand', sizes: [], layers: [], span } as Ast.HeadStatement, (node) => this.headBody(node));
  }

  private headBody(node: Ast.HeadStatement): void {
    if (this.peek().kind === 'LCurly') {
      node.form = 'block';
      if (!this.block('head', (word) => this.headLayer(word, node.layers))) return;
    } else {
      if (!this.isWord('dense')) this.failExpected('`dense 256 -> 2` or a `{` block', 'head');
      this.next();
      node.sizes.push(this.expectNumber('dense', 'a layer size'));
      while (this.peek().kind === 'Arrow') {
        this.next();
        node.sizes.push(this.expectNumber('->', 'a layer size'));
      }
      if (this.atValueWord()) node.activation = this.identifier(this.next());
    }
    this.endOfItem('`head`');
  }

  /** headLayer = "pool" ( "avg" | "max" ) | "flatten" | "batchnorm" | "dropout" Number | "dense" Number Identifier? */
  private headLayer(word: Token, layers: Ast.HeadLayer[]): void {
    const span = { ...word.span };
    switch (word.image) {
      case 'pool':
        return this.setting(layers, { kind: 'Pool', span } as Ast.PoolLayer, (node) => {
          node.type = this.expectIdentifier('`avg` or `max`', 'pool');
          this.endOfItem('`pool`');
        });
      case 'flatten':
        return this.setting(layers, { kind: 'Flatten', span } as Ast.FlattenLayer, () => this.endOfItem('`flatten`'));
      case 'batchnorm':
        return this.setting(layers, { kind: 'BatchNorm', span } as Ast.BatchNormLayer, () => this.endOfItem('`batchnorm`'));
      case 'dropout':
        return this.setting(layers, { kind: 'Dropout', span } as Ast.DropoutLayer, (node) => {
          node.rate = this.expectNumber('dropout', 'a rate like `0.2`');
          this.endOfItem('`dropout`');
        });
      default: // dense
        return this.setting(layers, { kind: 'Dense', span } as Ast.DenseLayer, (node) => {
          node.units = this.expectNumber('dense', 'a number of units');
          if (this.atValueWord()) node.activation = this.identifier(this.next());
          this.endOfItem('`dense`');
        });
    }
  }

  // ---------------------------------------------------------------- train / fine tune

  /**
   * stageSetting = "epochs" Number | "batch" ( Number | "auto" ) | "batch" "norm" Identifier
   *              | "lr" Number ( ".." Number )? | "lr" Range | "lr" Number "for" layerRef ( ".." layerRef )?
   *              | "loss" Identifier
   *              | "optimizer" Identifier ( "lr" Number | "momentum" Number | "decay" Number )*
   *              | "label" "smoothing" Number
   *              | "early" "stop" ( "patience" Number | "on" Identifier )*
   *              | "class" "weights" ( Identifier | "{" classWeight* "}" )
   *              | "unfreeze" ( "all" | "from" layerRef )
   *              | "schedule" scheduleType ( "warmup" Number Identifier | "max" "lr" Number
   *                           | "every" Number "epochs" | "times" Number )*
   *              | "reduce" "lr" "on" "plateau" ( "factor" Number | "patience" Number | "on" Identifier )*
   *              | "precision" Identifier   (float32 or bf16; the checker names others)
   * scheduleType = "cosine" | "one" "cycle" | "step" | Identifier   (the checker names unknown ones)
   */
  private stageSetting(word: Token, settings: Ast.StageSetting[]): void {
    const span = { ...word.span };
    switch (word.image) {
      case 'epochs':
        return this.setting(settings, { kind: 'Epochs', span } as Ast.EpochsSetting, (node) => {
          node.count = this.expectNumber('epochs');
          this.endOfItem('`epochs`');
        });
      case 'batch':
        // The setting's word is not consumed yet: `norm` is the token after it.
        if (this.peek(1).kind === 'Identifier' && this.peek(1).image === 'norm') {
          return this.setting(settings, { kind: 'BatchNormMode', span } as Ast.BatchNormModeSetting, (node) => {
            this.next();
            node.mode = this.expectIdentifier('`train` or `frozen`', 'batch norm');
            this.endOfItem('`batch norm`');
          });
        }
        return this.setting(settings, { kind: 'StageBatch', span } as Ast.StageBatchSetting, (node) => {
          if (this.peek().kind === 'Identifier') node.auto = this.expectIdentifier('a batch size or `auto`', 'batch');
          else node.size = this.expectNumber('batch', 'a batch size or `auto`');
          this.endOfItem('`batch`');
        });
      case 'lr':
        if (this.peek(2).kind === 'Identifier' && this.peek(2).image === 'for') {
          return this.setting(settings, { kind: 'LayerLearningRate', span } as Ast.LayerLearningRateSetting, (node) => {
            node.value = this.expectNumber('lr', 'a learning rate like `1e-5`');
            this.next();
            node.from = this.expectLayerRef(`lr ${node.value.raw} for`, false);
            if (this.peek().kind === 'DotDot') {
              this.next();
              node.to = this.expectLayerRef(`${node.from.kind === 'String' ? `"${node.from.value}"` : node.from.name}..`, false);
            }
            this.endOfItem('`lr … for`');
          });
        }
        return this.setting(settings, { kind: 'LearningRate', span } as Ast.LearningRateSetting, (node) => {
          if (this.peek().kind === 'Range') {
            const range = this.expectRange('lr');
            node.value = range.min;
            node.to = range.max;
          } else {
            node.value = this.expectNumber('lr', 'a learning rate like `1e-3`');
            if (this.peek().kind === 'DotDot') {
              this.next();
              node.to = this.expectNumber('..', 'the head\'s learning rate, like `1e-3`');
            }
          }
          this.endOfItem('`lr`', ['for']);
        });
      case 'loss':
        return this.setting(settings, { kind: 'Loss', span } as Ast.LossSetting, (node) => {
          node.name = this.expectIdentifier('a loss name', 'loss');
          this.endOfItem('`loss`');
        });
      case 'optimizer':
        return this.setting(settings, { kind: 'Optimizer', span } as Ast.OptimizerSetting, (node) => {
          node.name = this.expectIdentifier('an optimizer name like `adam`', 'optimizer');
          const options = { lr: 'lr', momentum: 'momentum', decay: 'weightDecay' } as const;
          while (!this.atTerminator()) {
            const token = this.peek();
            const field = token.kind === 'Identifier' ? options[token.image as keyof typeof options] : undefined;
            if (field === undefined) this.endOfItem('`optimizer`', Object.keys(options));
            else {
              if (node[field]) this.fail(messages.duplicateClause(token.image, 'optimizer'));
              this.next();
              node[field] = this.expectNumber(token.image);
              node.clauses = { ...node.clauses, [field]: { span: { start: token.span.start, end: node[field].span.end } } };
            }
          }
        });
      case 'precision':
        return this.setting(settings, { kind: 'Precision', span } as Ast.PrecisionSetting, (node) => {
          node.value = this.expectIdentifier('a precision: `float32` or `bf16`', 'precision');
          this.endOfItem('`precision`');
        });
      case 'label':
        return this.setting(settings, { kind: 'LabelSmoothing', span } as Ast.LabelSmoothingSetting, (node) => {
          this.expectWord('smoothing', 'label');
          node.value = this.expectNumber('label smoothing', 'an amount like `0.1`');
          this.endOfItem('`label smoothing`');
        });
      case 'early':
        return this.setting(settings, { kind: 'EarlyStop', span } as Ast.EarlyStopSetting, (node) => {
          this.expectWord('stop', 'early');
          while (!this.atTerminator()) {
            if (this.isWord('patience')) {
              if (node.patience) this.fail(messages.duplicateClause('patience', 'early stop'));
              this.next();
              node.patience = this.expectNumber('patience');
            } else if (this.isWord('on')) {
              if (node.monitor) this.fail(messages.duplicateClause('on', 'early stop'));
              this.next();
              node.monitor = this.expectIdentifier('a metric like `val_loss`', 'on');
            } else {
              this.endOfItem('`early stop`', ['patience', 'on']);
            }
          }
        });
      case 'schedule':
        return this.setting(settings, { kind: 'Schedule', span } as Ast.ScheduleSetting, (node) => this.scheduleBody(node));
      case 'reduce':
        return this.setting(settings, { kind: 'Plateau', span } as Ast.PlateauSetting, (node) => {
          this.expectWord('lr', 'reduce');
          this.expectWord('on', 'reduce lr');
          this.expectWord('plateau', 'reduce lr on');
          const clauses = { factor: 'factor', patience: 'patience' } as const;
          while (!this.atTerminator()) {
            const token = this.peek();
            if (token.kind === 'Identifier' && token.image in clauses) {
              const field = clauses[token.image as keyof typeof clauses];
              if (node[field]) this.fail(messages.duplicateClause(token.image, 'reduce lr on plateau'));
              this.next();
              node[field] = this.expectNumber(token.image);
            } else if (this.isWord('on')) {
              if (node.monitor) this.fail(messages.duplicateClause('on', 'reduce lr on plateau'));
              this.next();
              node.monitor = this.expectIdentifier('a metric like `val_loss`', 'on');
            } else {
              this.endOfItem('`reduce lr on plateau`', ['factor', 'patience', 'on']);
            }
          }
        });
      case 'class':
        return this.setting(settings, { kind: 'ClassWeights', entries: [], span } as Ast.ClassWeightsSetting, (node) => {
          this.expectWord('weights', 'class');
          if (this.peek().kind === 'LCurly') this.block('class weights', (name) => this.classWeight(name, node.entries));
          else node.balanced = this.expectIdentifier('`balanced` or a `{` block', 'class weights');
          this.endOfItem('`class weights`');
        });
      default: // unfreeze
        return this.setting(settings, { kind: 'Unfreeze', span } as Ast.UnfreezeSetting, (node) => {
          if (this.isWord('all')) node.all = this.identifier(this.next());
          else {
            if (!this.isWord('from')) {
              const token = this.peek();
              const quotable = token.kind === 'Identifier' || token.kind === 'String';
              this.failExpected('`from BLOCK` or `all`', 'unfreeze', quotable ? `write \`unfreeze from ${token.image}\`` : undefined);
            }
            this.next();
            node.from = this.expectLayerRef('unfreeze from');
          }
          this.endOfItem('`unfreeze`');
        });
    }
  }

  /** The type and clauses of `schedule`; which clauses fit which type is the checker's (TL2031). */
  private scheduleBody(node: Ast.ScheduleSetting): void {
    node.type = this.expectIdentifier('`cosine`, `one cycle` or `step`', 'schedule');
    if (node.type.name === 'one') {
      // Named `one cycle` before `cycle` is expected: a missing or misspelt `cycle` is TL1007
      // alone, not also TL2016's "unknown schedule `one`".
      node.type = { kind: 'Identifier', name: 'one cycle', span: node.type.span };
      const cycle = this.expectWord('cycle', 'schedule one');
      node.type = { ...node.type, span: { start: node.type.span.start, end: cycle.span.end } };
    }
    const clause = (field: 'warmup' | 'maxLr', start: Token) => {
      node.clauses = { ...node.clauses, [field]: { span: { start: start.span.start, end: this.lastEnd } } };
    };
    while (!this.atTerminator()) {
      const token = this.peek();
      if (this.isWord('warmup')) {
        if (node.warmup) this.fail(messages.duplicateClause('warmup', 'schedule'));
        this.next();
        node.warmup = this.expectNumber('warmup', 'a number of epochs or steps');
        node.warmupUnit = this.expectIdentifier('`epochs` or `steps`', `warmup ${node.warmup.raw}`);
        clause('warmup', token);
      } else if (this.isWord('max')) {
        if (node.maxLr) this.fail(messages.duplicateClause('max lr', 'schedule'));
        this.next();
        this.expectWord('lr', 'max');
        node.maxLr = this.expectNumber('max lr', 'a learning rate like `1e-2`');
        clause('maxLr', token);
      } else if (this.isWord('every')) {
        if (node.every) this.fail(messages.duplicateClause('every', 'schedule'));
        this.next();
        node.every = this.expectNumber('every', 'a number of epochs');
        this.expectWord('epochs', `every ${node.every.raw}`);
      } else if (this.isWord('times')) {
        if (node.times) this.fail(messages.duplicateClause('times', 'schedule'));
        this.next();
        node.times = this.expectNumber('times', 'a factor like `0.5`');
      } else {
        this.endOfItem('`schedule`', ['warmup', 'max lr', 'every', 'times']);
      }
    }
    if (node.type.name === 'step') {
      if (!node.every) this.failExpected('`every N epochs`', 'schedule step');
      if (!node.times) this.failExpected('`times F`', `every ${node.every.raw} epochs`);
    }
  }

  /** classWeight = ( Identifier | String ) Number      (`cat 1.0`, `"golden retriever" 2`) */
  private classWeight(first: Token, entries: Ast.ClassWeightEntry[]): void {
    const node: Ast.ClassWeightEntry = { kind: 'ClassWeight', span: { ...first.span } };
    entries.push(node);
    this.item(node, () => {
      const token = this.next();
      node.className = token.kind === 'String' ? this.string(token) : this.identifier(token);
      node.weight = this.expectNumber(token.image, 'a weight');
      this.endOfItem('`class weights`');
    });
  }
}
