import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { Button, EmptyState, EmptyStateActions, EmptyStateBody, EmptyStateFooter } from '@patternfly/react-core';
import CubesIcon from '@patternfly/react-icons/dist/esm/icons/cubes-icon';

/** An empty list that says what to do next, with a link (or a button) to do it. */
export function Empty({ title, children, to, action, onAction, headingLevel = 'h2' }: { title: string; children: ReactNode; to?: string; action?: string; onAction?: () => void; headingLevel?: 'h2' | 'h3' }) {
  return (
    <EmptyState titleText={title} headingLevel={headingLevel} icon={CubesIcon} variant="sm">
      <EmptyStateBody>{children}</EmptyStateBody>
      {action ? (
        <EmptyStateFooter>
          <EmptyStateActions>
            {to ? (
              <Link to={to} className="pf-v6-c-button pf-m-primary">
                {action}
              </Link>
            ) : (
              <Button variant="primary" onClick={onAction}>
                {action}
              </Button>
            )}
          </EmptyStateActions>
        </EmptyStateFooter>
      ) : null}
    </EmptyState>
  );
}
