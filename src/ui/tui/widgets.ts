// The blessed boxes of the UI (no borders but the overlays'): header, list, detail, footer, help, too-small.
import blessed from 'blessed';

export interface Widgets {
  readonly header: blessed.Widgets.BoxElement;
  readonly list: blessed.Widgets.BoxElement;
  readonly detail: blessed.Widgets.BoxElement;
  readonly footer: blessed.Widgets.BoxElement;
  readonly help: blessed.Widgets.BoxElement;
  readonly small: blessed.Widgets.BoxElement;
}

function plainBox(screen: blessed.Widgets.Screen, opts: blessed.Widgets.BoxOptions = {}): blessed.Widgets.BoxElement {
  return blessed.box({ parent: screen, left: 0, top: 0, width: '100%', height: 1, tags: true, wrap: false, ...opts });
}

export function createWidgets(screen: blessed.Widgets.Screen, colors: number): Widgets {
  const bar = colors > 0 ? { fg: 'white', bg: 'blue' } : { inverse: true };
  return {
    header: plainBox(screen, { style: bar }),
    list: plainBox(screen),
    detail: plainBox(screen),
    footer: plainBox(screen),
    help: plainBox(screen, {
      hidden: true,
      top: 'center',
      left: 'center',
      width: 78,
      height: 20,
      border: { type: 'line' },
      padding: { left: 1, right: 1 },
    }),
    small: plainBox(screen, {
      hidden: true,
      top: 'center',
      left: 'center',
      width: '100%',
      height: 3,
      align: 'center',
      valign: 'middle',
    }),
  };
}
