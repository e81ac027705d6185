import { render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import Fingerprint from './Fingerprint.svelte';

describe('Fingerprint', () => {
  it('shows a long fingerprint cut to 16 characters and whole on hover', () => {
    render(Fingerprint, { value: 'SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s', testid: 'fp' });
    const shown = screen.getByTestId('fp');
    expect(shown).toHaveTextContent(/^SHA256:uNiVztksC…$/);
    expect(shown).toHaveAttribute('title', 'SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s');
  });

  it('shows a key check value whole and nothing for a key without a fingerprint', () => {
    const { unmount } = render(Fingerprint, { value: 'c26a5b316395660e' });
    expect(screen.getByTestId('fingerprint')).toHaveTextContent(/^c26a5b316395660e$/);
    unmount();
    render(Fingerprint, { value: '' });
    expect(screen.queryByTestId('fingerprint')).toBeNull();
  });
});
