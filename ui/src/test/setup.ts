// Extends vitest's `expect` with DOM matchers such as toBeInTheDocument.
import '@testing-library/jest-dom/vitest';
