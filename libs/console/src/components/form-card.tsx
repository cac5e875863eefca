import type { ReactNode } from 'react';
import { Card, CardBody, CardTitle, Form } from '@patternfly/react-core';

/** A titled card holding one form, below the table it adds to: how the console's pages create or add something. */
export function FormCard({ title, onSubmit, children }: { title: string; onSubmit: () => void; children: ReactNode }) {
  return (
    <Card style={{ marginTop: 24 }}>
      <CardTitle component="h2">{title}</CardTitle>
      <CardBody>
        <Form
          style={{ maxWidth: 640 }}
          onSubmit={(e) => {
            e.preventDefault();
            onSubmit();
          }}
        >
          {children}
        </Form>
      </CardBody>
    </Card>
  );
}
