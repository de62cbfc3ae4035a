import type { ReactNode } from 'react';

/**
 * A real link inside the app: a plain click navigates without reloading; Ctrl/⌘/Shift/middle click and the keyboard
 * get what any link gives (a new tab, focus with Tab, Enter to follow).
 */
export function AppLink({ to, navigate, children, ...rest }: { to: string; navigate(path: string): void; children: ReactNode; className?: string; title?: string; 'data-testid'?: string }) {
  return (
    <a
      href={to}
      {...rest}
      onClick={(e) => {
        if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
        e.preventDefault();
        navigate(to);
      }}
    >
      {children}
    </a>
  );
}
