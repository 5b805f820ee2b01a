// An element directive that sets inline style properties through CSSOM only.
// Lit's styleMap writes a `style` attribute on first render, which a strict
// Content-Security-Policy (no 'unsafe-inline' for styles) blocks; CSSOM writes
// are always allowed.  Usage: <div ${setStyle({ height: '24px' })}>.
import { noChange } from 'lit';
import { Directive, PartType, directive, type ElementPart, type PartInfo } from 'lit/directive.js';

class SetStyleDirective extends Directive {
  private prev = new Set<string>();
  constructor(info: PartInfo) {
    super(info);
    if (info.type !== PartType.ELEMENT) throw new Error('setStyle must be used as an element directive');
  }
  render(_props: Record<string, string | null | undefined>) {
    return noChange;
  }
  update(part: ElementPart, [props]: [Record<string, string | null | undefined>]) {
    const style = (part.element as HTMLElement).style;
    for (const k of this.prev) {
      if (props[k] == null || props[k] === '') {
        style.removeProperty(k);
        this.prev.delete(k);
      }
    }
    for (const k in props) {
      const v = props[k];
      if (v == null || v === '') continue;
      if (style.getPropertyValue(k) !== v) style.setProperty(k, v);
      this.prev.add(k);
    }
    return noChange;
  }
}

export const setStyle = directive(SetStyleDirective);
