// comlink ships the Node adapter's types beside it as node-adapter.d.ts; the module is
// imported by its .mjs file name, which that declaration does not cover.
declare module 'comlink/dist/esm/node-adapter.mjs' {
  export { default } from 'comlink/dist/esm/node-adapter';
}
