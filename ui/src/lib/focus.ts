// Focus helpers for keyboard users.

/** Svelte action: focuses the element once it is in the document. */
export function focusOnMount(node: HTMLElement): void {
  node.focus();
}
