import Button from '@atlaskit/button/new';
import Modal, { ModalBody, ModalFooter, ModalHeader, ModalTitle, ModalTransition } from '@atlaskit/modal-dialog';
import { useState, type ReactNode } from 'react';

/** A button that asks for confirmation in a modal before running `onConfirm`. */
export function ConfirmAction(props: {
  label: string;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  appearance?: 'default' | 'primary' | 'warning' | 'danger';
  isDisabled?: boolean;
  onConfirm(): Promise<void> | void;
}) {
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const confirm = async () => {
    setBusy(true);
    try {
      await props.onConfirm();
    } finally {
      setBusy(false);
      setOpen(false);
    }
  };
  return (
    <>
      <Button appearance={props.appearance === 'danger' ? 'danger' : props.appearance === 'primary' ? 'primary' : 'default'} isDisabled={props.isDisabled} onClick={() => setOpen(true)}>
        {props.label}
      </Button>
      <ModalTransition>
        {open && (
          <Modal onClose={() => setOpen(false)}>
            <ModalHeader hasCloseButton>
              <ModalTitle appearance={props.appearance === 'danger' ? 'danger' : props.appearance === 'warning' ? 'warning' : undefined}>{props.title}</ModalTitle>
            </ModalHeader>
            <ModalBody>{props.children}</ModalBody>
            <ModalFooter>
              <Button appearance="subtle" onClick={() => setOpen(false)}>
                Cancel
              </Button>
              <Button appearance={props.appearance === 'danger' ? 'danger' : 'primary'} isLoading={busy} onClick={() => void confirm()}>
                {props.confirmLabel}
              </Button>
            </ModalFooter>
          </Modal>
        )}
      </ModalTransition>
    </>
  );
}
