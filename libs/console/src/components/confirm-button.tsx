import { useId, useState, type ReactNode } from 'react';
import { Button, Modal, ModalBody, ModalFooter, ModalHeader, type ButtonProps } from '@patternfly/react-core';

/**
 * A button for what cannot be undone (deleting a rule or a robot, a new robot token, removing a
 * role): it asks first, in a dialog that says what will happen, and acts only on the confirmation.
 */
export function ConfirmButton({ children, title, body, confirm, onConfirm, ...button }: Omit<ButtonProps, 'onClick' | 'title'> & { title: string; body: ReactNode; confirm: string; onConfirm(): void | Promise<void> }) {
  const [open, setOpen] = useState(false);
  const id = useId();
  return (
    <>
      <Button {...button} onClick={() => setOpen(true)}>
        {children}
      </Button>
      <Modal variant="small" isOpen={open} onClose={() => setOpen(false)} aria-labelledby={`${id}-title`} aria-describedby={`${id}-body`}>
        <ModalHeader title={title} labelId={`${id}-title`} titleIconVariant="warning" />
        <ModalBody id={`${id}-body`}>{body}</ModalBody>
        <ModalFooter>
          <Button
            variant="danger"
            onClick={() => {
              setOpen(false);
              void onConfirm();
            }}
          >
            {confirm}
          </Button>
          <Button variant="link" onClick={() => setOpen(false)}>
            Cancel
          </Button>
        </ModalFooter>
      </Modal>
    </>
  );
}
