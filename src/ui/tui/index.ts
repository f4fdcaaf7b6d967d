// The terminal UI: the only module tree that imports blessed. See docs/tui.md.
export { TuiRenderer, type TuiOptions } from './tui-renderer.js';
