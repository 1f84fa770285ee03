// @tlc/zoo: the model catalog (also importable alone, without tfjs, as `@tlc/zoo/catalog`), the
// tfjs-layers builders (one folder per family: families/<family>/catalog.ts beside tfjs.ts), the
// custom layers they need, and the weight loaders.
export * from './catalog/index';
export * from './builders/index';
export * from './layers/index';
export * from './weights/index';
