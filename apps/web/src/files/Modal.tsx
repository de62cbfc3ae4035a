import { useEffect, useRef, type ReactNode } from 'react';

/**
 * A modal dialog (native <dialog>: focus stays inside, Esc closes). Keys typed in it never reach the notebook's
 * document-level command keys (D D would delete a cell).
 */
export function Modal({ title, onClose, testId, children }: { title: string; onClose(): void; testId: string; children: ReactNode }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);
  return (
    <dialog
      ref={ref}
      className="file-dialog"
      data-testid={testId}
      aria-label={title}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
      onKeyDown={(e) => e.stopPropagation()}
      // A click on the backdrop lands on the dialog element itself (its content fills it).
      onMouseDown={(e) => e.target === ref.current && onClose()}
    >
      <div className="file-dialog-body">
        <header className="file-dialog-header">
          <h2>{title}</h2>
          <button className="icon-button" aria-label="Close" data-testid={`${testId}-close`} onClick={onClose}>
            ✕
          </button>
        </header>
        {children}
      </div>
    </dialog>
  );
}

/** What went wrong with an action (the server's message), shown where the action was. */
export function ErrorLine({ error, testId }: { error: string | undefined; testId?: string }) {
  if (!error) return null;
  return (
    <p className="file-error" role="alert" data-testid={testId}>
      {error}
    </p>
  );
}
